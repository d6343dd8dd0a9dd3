using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using Declarative.Decoding;
using Declarative.Grammars;

namespace Declarative.Benchmarks;

/// <summary>
/// The token-mask harness: compiles every schema of a corpus of case files (JSON-Schema-Test-Suite or MaskBench format),
/// replays each valid document token by token (greedy longest match) and times one <see cref="TokenMatcher.ComputeMask"/>
/// per token, single thread. Each schema gets a fresh <see cref="TokenGrammar"/> (an empty mask cache); the vocabulary's
/// trie and automaton facts are shared, as in a running service. Pass 1 runs in a fresh process (cold JIT and cold
/// vocabulary facts); later passes repeat the corpus with new grammars in the warm process.
/// </summary>
internal static class MaskCorpus
{
    public static int Run(string[] args)
    {
        string? cases = null;
        var vocabularyName = "o200k_base";
        var passes = 2;
        var formatAnnotation = true;
        var slowest = 0;
        string? only = null; // --only TEXT: the schemas whose JSON contains TEXT
        var holdout = -1; // --holdout 0|1: warm the process on the other half of the schemas (untimed), then time this half
        for (var i = 1; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--cases": cases = args[++i]; break;
                case "--vocab": vocabularyName = args[++i]; break;
                case "--passes": passes = int.Parse(args[++i], System.Globalization.CultureInfo.InvariantCulture); break;
                case "--formats": formatAnnotation = false; break;
                case "--only": only = args[++i]; break;
                case "--holdout": holdout = int.Parse(args[++i], System.Globalization.CultureInfo.InvariantCulture); break;
                case "--slowest": slowest = int.Parse(args[++i], System.Globalization.CultureInfo.InvariantCulture); break;
                default: Console.Error.WriteLine($"unknown option {args[i]}"); return 2;
            }
        }

        if (cases is null)
        {
            Console.Error.WriteLine("usage: masks --cases DIR|FILE [--vocab o200k_base|cl100k_base] [--passes N] [--formats] [--only TEXT] [--holdout 0|1] [--slowest N]");
            return 2;
        }

        var clock = Stopwatch.StartNew();
        var vocabulary = Vocabulary.Tiktoken(vocabularyName);
        var files = Directory.Exists(cases) ? Directory.GetFiles(cases, "*.json").Order(StringComparer.Ordinal).ToArray() : [cases];
        var corpus = files.SelectMany(Read).Where(c => only is null || (c.Schema?.ToJsonString().Contains(only, StringComparison.Ordinal) ?? false)).ToList();
        _ = new TokenGrammar(CompiledGrammar.Compile(Grammar.FromNode(GrammarNode.Literal("x"))), vocabulary); // builds the trie
        Console.WriteLine($"vocabulary {vocabularyName}: {vocabulary.Count} tokens, loaded with its trie in {clock.Elapsed.TotalMilliseconds:F0} ms; {corpus.Count} schemas in {files.Length} files");
        var options = new JsonSchemaCompilerOptions { FormatAsAnnotation = formatAnnotation };
        if (holdout is 0 or 1)
        {
            // Held-out schemas: the process (JIT, vocabulary facts, automata shared across grammars) is warmed on the
            // schemas at the other parity of their index, untimed, and the timed passes see only schemas it has not met.
            var warmup = corpus.Where((_, index) => index % 2 != holdout).ToList();
            corpus = corpus.Where((_, index) => index % 2 == holdout).ToList();
            var warmClock = Stopwatch.StartNew();
            Replay(warmup, vocabulary, options, null, null, null);
            Console.WriteLine($"warm-up on {warmup.Count} other schemas: {warmClock.Elapsed.TotalMilliseconds:F0} ms; timing {corpus.Count} held-out schemas");
        }

        for (var pass = 1; pass <= passes; pass++)
        {
            var masks = new List<double>();
            var allocated = GC.GetTotalAllocatedBytes(precise: true);
            maskBytes = 0;
            var gcPause = GC.GetTotalPauseDuration();
            var gcCounts = (GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2));
            var steps = new List<(double Us, string Where)>();
            var compiles = new List<double>();
            var errors = Replay(corpus, vocabulary, options, masks, compiles, slowest > 0 ? steps : null);

            Console.WriteLine($"pass {pass}: {Line("mask", masks)}; {Line("compile", compiles)}; stopped replays {errors}; GC {GC.CollectionCount(0) - gcCounts.Item1}/{GC.CollectionCount(1) - gcCounts.Item2}/{GC.CollectionCount(2) - gcCounts.Item3} collections (gen 0/1/2), {(GC.GetTotalPauseDuration() - gcPause).TotalMilliseconds:F0} ms paused; allocated {(GC.GetTotalAllocatedBytes(precise: true) - allocated) / 1e6:F1} MB, {maskBytes / 1e6:F1} MB of it in mask steps");
            foreach (var (us, where) in steps.OrderByDescending(s => s.Us).Take(slowest))
            {
                Console.WriteLine(FormattableString.Invariant($"  {us,9:F0} us  {where}"));
            }
        }

        Console.WriteLine($"process: allocated {GC.GetTotalAllocatedBytes(precise: true) / 1e6:F0} MB in all (vocabulary, warm-up and passes)");
        return 0;
    }

    // Bytes allocated by the thread inside ComputeMask calls of the current pass (read outside the timed window).
    private static long maskBytes;

    private static int Replay(List<(JsonNode? Schema, List<byte[]> Documents)> corpus, Vocabulary vocabulary, JsonSchemaCompilerOptions options, List<double>? masks, List<double>? compiles, List<(double Us, string Where)>? steps)
    {
        var errors = 0;
        var mask = new uint[vocabulary.MaskWords];
        foreach (var (schema, documents) in corpus)
        {
            var start = Stopwatch.GetTimestamp();
            CompiledGrammar compiled;
            try
            {
                compiled = CompiledGrammar.Compile(JsonSchemaCompiler.Compile(schema, options).Grammar);
            }
            catch (JsonSchemaCompileException)
            {
                continue;
            }

            compiles?.Add(Stopwatch.GetElapsedTime(start).TotalMicroseconds);
            var grammar = new TokenGrammar(compiled, vocabulary);
            foreach (var document in documents)
            {
                var matcher = grammar.CreateMatcher();
                var position = 0;
                while (position <= document.Length)
                {
                    var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
                    var at = Stopwatch.GetTimestamp();
                    matcher.ComputeMask(mask);
                    var us = Stopwatch.GetElapsedTime(at).TotalMicroseconds;
                    maskBytes += GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
                    masks?.Add(us);
                    if (steps is not null)
                    {
                        steps.Add((us, $"{schema?.ToJsonString()} @ {Encoding.UTF8.GetString(document, 0, position)}|{Encoding.UTF8.GetString(document, position, document.Length - position)}"));
                    }

                    if (position == document.Length)
                    {
                        break;
                    }

                    var token = grammar.LongestToken(document.AsSpan(position));
                    if (token < 0 || (mask[token >> 5] & (1u << (token & 31))) == 0 || !matcher.TryAdvance(token))
                    {
                        errors++; // a valid document the grammar rejects (false reject): its replay stops here
                        break;
                    }

                    position += vocabulary[token].Length;
                }
            }
        }

        return errors;
    }

    private static string Line(string name, List<double> values)
    {
        values.Sort();
        double At(double q) => Percentiles.Of(values, q);
        return FormattableString.Invariant($"{name} n={values.Count} p50={At(0.5):F1}us p99={At(0.99):F1}us max={At(1):F1}us mean={(values.Count == 0 ? 0 : values.Average()):F1}us");
    }

    private static IEnumerable<(JsonNode? Schema, List<byte[]> Documents)> Read(string file)
    {
        var root = JsonNode.Parse(File.ReadAllText(file));
        var groups = root is JsonArray array ? array.ToList() : [root];
        foreach (var group in groups)
        {
            if (group?["tests"] is not JsonArray tests)
            {
                continue;
            }

            var documents = tests.Where(t => t?["valid"]?.GetValue<bool>() == true)
                .Select(t => Encoding.UTF8.GetBytes(JsonSchemaCompiler.Canonical(t!["data"])))
                .ToList();
            if (documents.Count > 0)
            {
                yield return (group["schema"], documents);
            }
        }
    }
}
