using System.CommandLine;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Declarative.Decoding;
using Declarative.Grammars;

namespace Declarative.Cli;

/// <summary>
/// <c>declarative grammar</c>: prints the grammar of a JSON schema or a signature; <c>declarative grammar check</c>
/// runs conformance cases (JSON-Schema-Test-Suite or MaskBench files) through the compiler and the matcher.
/// </summary>
internal static class GrammarCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var schema = new Option<string?>("--schema") { Description = "A JSON Schema file." };
        var signature = new Option<string?>("--signature", "-s") { Description = "A string signature; its output grammar is printed." };
        var adapter = new Option<string>("--adapter") { Description = "For --signature: the reply format, json or chat.", DefaultValueFactory = _ => "json" };
        var format = new Option<string>("--format") { Description = "gbnf (llama.cpp) or ir (the grammar IR with its own rule names).", DefaultValueFactory = _ => "gbnf" };
        var lenient = new Option<bool>("--lenient") { Description = "Ignore keywords that cannot be enforced (warnings on stderr) instead of failing." };
        var command = new Command("grammar", "Print the grammar of a JSON schema or of a signature's output.") { schema, signature, adapter, format, lenient };
        command.SetAction(result =>
        {
            var schemaPath = result.GetValue(schema);
            var signatureText = result.GetValue(signature);
            if ((schemaPath is null) == (signatureText is null))
            {
                throw new CliException("give exactly one of --schema FILE.json or --signature \"…\".");
            }

            Grammar grammar;
            if (schemaPath is not null)
            {
                var compilation = CompileSchema(ReadJson(schemaPath, "--schema"), new JsonSchemaCompilerOptions { Lenient = result.GetValue(lenient) });
                foreach (var warning in compilation.Warnings)
                {
                    stderr.WriteLine("warning: " + warning);
                }

                grammar = compilation.Grammar;
            }
            else
            {
                var sig = CommonOptions.ReadSignature(signatureText!, null);
                grammar = result.GetValue(adapter) switch
                {
                    "json" => SignatureGrammar.ForJson(sig),
                    "chat" => SignatureGrammar.ForChat(sig),
                    var other => throw new CliException($"--adapter '{other}' has no grammar; use json or chat."),
                };
            }

            stdout.Write(result.GetValue(format) switch
            {
                "gbnf" => grammar.ToGbnf(),
                "ir" => grammar.ToString(),
                var other => throw new CliException($"--format '{other}' is not known; use gbnf or ir."),
            });
            return ExitCodes.Ok;
        });
        command.Subcommands.Add(CreateCheck(stdout));
        return command;
    }

    private static Command CreateCheck(TextWriter stdout)
    {
        var cases = new Option<string>("--cases") { Description = "A case file or a folder of them (JSON-Schema-Test-Suite or MaskBench format).", Required = true };
        var vocab = new Option<string?>("--vocab") { Description = "Check token by token with a vocabulary: o200k_base, cl100k_base or gguf:FILE." };
        var masks = new Option<bool>("--masks") { Description = "With --vocab: time the token mask of every step." };
        var pretty = new Option<bool>("--pretty") { Description = "Also feed every document indented (the grammar allows bounded whitespace)." };
        var formatAnnotation = new Option<bool>("--format-annotation") { Description = "Treat format as an annotation, as draft 2020-12 specifies (not enforced)." };
        var lenient = new Option<bool>("--lenient") { Description = "Compile schemas leniently (unenforced keywords become warnings)." };
        var recursive = new Option<bool>("--recursive") { Description = "With a folder: also read the case files in its subfolders." };
        var command = new Command("check", "Compile each case's schema and feed each test document through the matcher; print one JSON line per case and a summary.")
        {
            cases, vocab, masks, pretty, formatAnnotation, lenient, recursive,
        };
        command.SetAction(result =>
        {
            var vocabulary = result.GetValue(vocab) is { } v ? LoadVocabulary(v) : null;
            if (result.GetValue(masks) && vocabulary is null)
            {
                throw new CliException("--masks needs --vocab (o200k_base, cl100k_base or gguf:FILE).");
            }

            var path = result.GetValue(cases)!;
            var files = Directory.Exists(path)
                ? Directory.EnumerateFiles(path, "*.json", result.GetValue(recursive) ? SearchOption.AllDirectories : SearchOption.TopDirectoryOnly).Order(StringComparer.Ordinal).ToList()
                : File.Exists(path) ? [path] : throw new CliException($"--cases: '{path}' is neither a file nor a folder.");
            var options = new JsonSchemaCompilerOptions
            {
                Lenient = result.GetValue(lenient),
                FormatAsAnnotation = result.GetValue(formatAnnotation),
                MaxWhitespace = result.GetValue(pretty) ? 64 : 0,
            };
            var summary = new Summary();
            foreach (var file in files)
            {
                foreach (var (description, caseSchema, tests) in ReadCases(file))
                {
                    stdout.WriteLine(RunCase(Path.GetRelativePath(Directory.Exists(path) ? path : Path.GetDirectoryName(path)!, file), description, caseSchema, tests, options, result.GetValue(pretty), vocabulary, result.GetValue(masks), summary));
                }
            }

            stdout.WriteLine(summary.ToJson());
            return summary.FalseAccepts == 0 && summary.FalseRejects == 0 && summary.MaskErrors == 0 ? ExitCodes.Ok : ExitCodes.Failed;
        });
        return command;
    }

    private static Vocabulary LoadVocabulary(string spec)
    {
        try
        {
            return spec.StartsWith("gguf:", StringComparison.Ordinal)
                ? GgufVocabulary.Load(spec["gguf:".Length..])
                : Vocabulary.Tiktoken(spec);
        }
        catch (Exception ex) when (ex is ArgumentException or IOException or InvalidDataException)
        {
            throw new CliException($"--vocab {spec}: {ex.Message}");
        }
    }

    /// <summary>Feeds a document token by token (greedy longest match), timing each mask when asked; true when accepted.</summary>
    private static bool AcceptsTokens(TokenGrammar grammar, byte[] document, bool timeMasks, List<double> maskTimes, ref int maskErrors)
    {
        var matcher = grammar.CreateMatcher();
        var vocabulary = grammar.Vocabulary;
        var mask = timeMasks ? new uint[vocabulary.MaskWords] : [];
        var position = 0;
        while (true)
        {
            var token = position < document.Length ? Longest(grammar, document.AsSpan(position)) : vocabulary.EndOfSequence.FirstOrDefault(-1);
            if (timeMasks)
            {
                var clock = Stopwatch.StartNew();
                matcher.ComputeMask(mask);
                maskTimes.Add(clock.Elapsed.TotalMicroseconds);
                if (token >= 0 && ((mask[token >> 5] & (1u << (token & 31))) != 0) != matcher.IsAllowed(token))
                {
                    maskErrors++;
                }
            }

            if (token < 0)
            {
                return position == document.Length && matcher.IsAccepting;
            }

            if (!matcher.TryAdvance(token))
            {
                return false;
            }

            if (position == document.Length)
            {
                return true;
            }

            position += vocabulary[token].Length;
        }
    }

    private static int Longest(TokenGrammar grammar, ReadOnlySpan<byte> rest)
    {
        var token = grammar.LongestToken(rest);
        return token >= 0 ? token : throw new CliException("the vocabulary cannot spell the document (no token for its next byte).");
    }

    private static string RunCase(string file, string? description, JsonNode? schema, List<(JsonNode? Data, bool Valid)> tests, JsonSchemaCompilerOptions options, bool pretty, Vocabulary? vocabulary, bool timeMasks, Summary summary)
    {
        summary.Cases++;
        summary.Tests += tests.Count;
        var line = new JsonObject { ["file"] = file };
        if (description is not null)
        {
            line["description"] = description;
        }

        var clock = Stopwatch.StartNew();
        CompiledGrammar compiled;
        TokenGrammar? tokenGrammar = null;
        try
        {
            var compilation = JsonSchemaCompiler.Compile(schema, options);
            compiled = CompiledGrammar.Compile(compilation.Grammar);
            clock.Stop();
            if (vocabulary is not null)
            {
                tokenGrammar = new TokenGrammar(compiled, vocabulary);
            }

            if (compilation.Warnings.Count > 0)
            {
                line["warnings"] = new JsonArray(compilation.Warnings.Select(w => (JsonNode?)w).ToArray());
            }
        }
        catch (Exception ex) when (ex is JsonSchemaCompileException or GrammarException or InvalidOperationException or FormatException or ArgumentException)
        {
            line["compiled"] = false;
            line["error"] = ex.Message;
            summary.NotCompiledTests += tests.Count;
            return line.ToJsonString(JsonOutput.Options);
        }

        summary.Compiled++;
        line["compiled"] = true;
        line["error"] = null;
        line["compile_us"] = Math.Round(clock.Elapsed.TotalMicroseconds, 1);
        summary.CompileMicroseconds.Add(clock.Elapsed.TotalMicroseconds);
        summary.GrammarBytes.Add(compiled.ApproximateBytes);
        line["grammar_bytes"] = compiled.ApproximateBytes;
        var results = new JsonArray();
        var maskTimes = new List<double>();
        foreach (var (data, valid) in tests)
        {
            var document = Encoding.UTF8.GetBytes(JsonSchemaCompiler.Canonical(data));
            var matcher = new GrammarMatcher(compiled);
            var accepted = matcher.TryAdvance(document) && matcher.IsAccepting;
            summary.MatcherBytes.Add(matcher.ApproximateBytes);
            if (tokenGrammar is not null)
            {
                var maskErrors = 0;
                var byTokens = AcceptsTokens(tokenGrammar, document, timeMasks, maskTimes, ref maskErrors);
                summary.MaskErrors += maskErrors + (byTokens != accepted ? 1 : 0);
                accepted &= byTokens;
            }

            if (pretty)
            {
                accepted &= GrammarMatcher.Matches(compiled, Encoding.UTF8.GetBytes(data?.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }) ?? "null"));
            }

            results.Add(new JsonObject { ["valid"] = valid, ["accepted"] = accepted });
            if (accepted == valid)
            {
                summary.Passed++;
            }
            else if (accepted)
            {
                summary.FalseAccepts++;
            }
            else
            {
                summary.FalseRejects++;
            }
        }

        line["tests"] = results;
        if (maskTimes.Count > 0)
        {
            line["mask_us"] = Percentiles(maskTimes);
            summary.MaskMicroseconds.AddRange(maskTimes);
        }

        return line.ToJsonString(JsonOutput.Options);
    }

    private static IEnumerable<(string? Description, JsonNode? Schema, List<(JsonNode? Data, bool Valid)> Tests)> ReadCases(string file)
    {
        var root = ReadJson(file, "--cases");
        var groups = root switch
        {
            JsonArray array => array.ToList(),
            JsonObject obj when obj.ContainsKey("schema") && obj["tests"] is JsonArray => [obj],
            _ => throw new CliException($"{file}: expected a JSON-Schema-Test-Suite array of groups or a MaskBench object with \"schema\" and \"tests\"."),
        };
        foreach (var group in groups)
        {
            if (group is not JsonObject g || !g.ContainsKey("schema") || g["tests"] is not JsonArray tests)
            {
                throw new CliException($"{file}: each case needs \"schema\" and \"tests\".");
            }

            yield return (g["description"]?.GetValue<string>(), g["schema"], tests.Select(t => (t?["data"], t?["valid"]?.GetValue<bool>() ?? throw new CliException($"{file}: a test lacks \"valid\"."))).ToList());
        }
    }

    private static JsonSchemaCompilation CompileSchema(JsonNode? schema, JsonSchemaCompilerOptions options)
    {
        try
        {
            return JsonSchemaCompiler.Compile(schema, options);
        }
        catch (JsonSchemaCompileException ex)
        {
            throw new CliException($"the schema cannot be compiled: {ex.Message} (use --lenient to ignore what cannot be enforced)");
        }
    }

    private static JsonNode? ReadJson(string path, string option)
    {
        if (!File.Exists(path))
        {
            throw new CliException($"{option}: the file '{path}' does not exist.");
        }

        try
        {
            return JsonNode.Parse(File.ReadAllText(path));
        }
        catch (JsonException ex)
        {
            throw new CliException($"{option}: '{path}' is not valid JSON: {ex.Message}");
        }
    }

    private static JsonObject Percentiles(List<double> values)
    {
        var sorted = values.Order().ToArray();
        double At(double q) => sorted[Math.Min(sorted.Length - 1, (int)(q * sorted.Length))];
        return new JsonObject
        {
            ["p50"] = Math.Round(At(0.5), 1),
            ["p99"] = Math.Round(At(0.99), 1),
            ["max"] = Math.Round(sorted[^1], 1),
            ["mean"] = Math.Round(sorted.Average(), 1),
            ["n"] = sorted.Length,
        };
    }

    private sealed class Summary
    {
        public List<double> CompileMicroseconds { get; } = [];

        public List<double> MaskMicroseconds { get; } = [];

        public List<double> GrammarBytes { get; } = [];

        public List<double> MatcherBytes { get; } = [];

        public int MaskErrors { get; set; }

        public int Cases { get; set; }

        public int Compiled { get; set; }

        public int Tests { get; set; }

        public int Passed { get; set; }

        public int FalseAccepts { get; set; }

        public int FalseRejects { get; set; }

        public int NotCompiledTests { get; set; }

        public string ToJson() => new JsonObject
        {
            ["summary"] = true,
            ["cases"] = Cases,
            ["compiled"] = Compiled,
            ["tests"] = Tests,
            ["passed"] = Passed,
            ["false_accepts"] = FalseAccepts,
            ["false_rejects"] = FalseRejects,
            ["not_compiled_tests"] = NotCompiledTests,
            ["compile_us"] = CompileMicroseconds.Count > 0 ? Percentiles(CompileMicroseconds) : null,
            ["mask_us"] = MaskMicroseconds.Count > 0 ? Percentiles(MaskMicroseconds) : null,
            ["mask_errors"] = MaskErrors,
            ["grammar_bytes"] = GrammarBytes.Count > 0 ? Percentiles(GrammarBytes) : null,
            ["matcher_bytes_at_end"] = MatcherBytes.Count > 0 ? Percentiles(MatcherBytes) : null,
        }.ToJsonString(JsonOutput.Options);
    }
}
