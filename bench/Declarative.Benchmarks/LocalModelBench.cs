using System.Diagnostics;
using System.Text;
using Declarative.Decoding;
using Declarative.Grammars;
using Declarative.Runtime.LLama;
using Declarative.Testing;
using LLama;
using LLama.Common;
using LLama.Native;
using LLama.Sampling;
using Microsoft.Extensions.AI;

namespace Declarative.Benchmarks;

/// <summary>
/// The local backend's figures, side by side in one process on a generated tiny llama model with a real tiktoken
/// vocabulary (random weights: the speed of decoding and masking is real, the words are not):
/// constrained decoding with Declarative's masks against llama.cpp's GBNF sampler and against no constraint; prompt
/// prefix reuse; batching of concurrent calls; prompt-lookup speculation.
/// </summary>
internal static class LocalModelBench
{
    private static readonly string[] Schemas =
    [
        "{\"type\":\"object\",\"properties\":{\"name\":{\"type\":\"string\",\"maxLength\":40},\"age\":{\"type\":\"integer\",\"minimum\":0,\"maximum\":120},\"tags\":{\"type\":\"array\",\"items\":{\"type\":\"string\",\"maxLength\":12},\"maxItems\":4}},\"required\":[\"name\",\"age\",\"tags\"],\"additionalProperties\":false}",
        "{\"type\":\"array\",\"items\":{\"type\":\"object\",\"properties\":{\"sku\":{\"type\":\"string\",\"pattern\":\"^[A-Z]{3}-[0-9]{4}$\"},\"qty\":{\"type\":\"integer\",\"minimum\":1,\"maximum\":99}},\"required\":[\"sku\",\"qty\"],\"additionalProperties\":false},\"maxItems\":5}",
        "{\"type\":\"object\",\"properties\":{\"when\":{\"type\":\"string\",\"format\":\"date\"},\"level\":{\"enum\":[\"low\",\"medium\",\"high\"]},\"score\":{\"type\":\"number\",\"minimum\":0,\"maximum\":1},\"note\":{\"type\":\"string\",\"maxLength\":60}},\"required\":[\"when\",\"level\",\"score\",\"note\"],\"additionalProperties\":false}",
        "{\"type\":\"array\",\"items\":{\"type\":\"string\",\"maxLength\":24},\"minItems\":2,\"maxItems\":6}",
    ];

    public static int Run(string[] args)
    {
        var encoding = "cl100k_base";
        var tokens = 96;
        var rounds = 3;
        var embedding = 32;
        for (var i = 1; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--vocab": encoding = args[++i]; break;
                case "--tokens": tokens = int.Parse(args[++i], System.Globalization.CultureInfo.InvariantCulture); break;
                case "--embedding": embedding = int.Parse(args[++i], System.Globalization.CultureInfo.InvariantCulture); break;
                case "--rounds": rounds = int.Parse(args[++i], System.Globalization.CultureInfo.InvariantCulture); break;
                default: Console.Error.WriteLine($"unknown option {args[i]}"); return 2;
            }
        }

        var folder = Directory.CreateTempSubdirectory("declarative-bench-").FullName;
        try
        {
            var path = Path.Combine(folder, "tiny-" + encoding + ".gguf");
            var clock = Stopwatch.StartNew();
            var size = TinyGguf.WriteTiktoken(path, encoding, embedding);
            Console.WriteLine($"model: tiny llama, width {embedding}, {encoding} vocabulary ({size} tokens), written in {clock.ElapsedMilliseconds} ms");
            DecodeCost(path);
            Constrained(path, tokens, rounds);
            PrefixReuse(path, rounds);
            Batching(path, rounds);
            Speculation(path, rounds);
            return 0;
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>What one llama.cpp decode of 1, 2, 4 and 8 single-token sequences costs (the floor under every figure below).</summary>
    private static void DecodeCost(string path)
    {
        using var weights = LLamaWeights.LoadFromFile(new ModelParams(path) { GpuLayerCount = 0, ContextSize = 2048, SeqMax = 8, KVUnified = true });
        using var context = weights.CreateContext(new ModelParams(path) { GpuLayerCount = 0, ContextSize = 2048, SeqMax = 8, KVUnified = true });
        var batch = new LLamaBatch();
        var line = new StringBuilder("decode cost per batch (median of 50):");
        foreach (var width in new[] { 1, 2, 4, 8 })
        {
            var times = new List<double>();
            for (var step = 0; step < 60; step++)
            {
                batch.Clear();
                for (var s = 0; s < width; s++)
                {
                    batch.Add((LLamaToken)(100 + step + s), step, (LLamaSeqId)s, true);
                }

                var clock = Stopwatch.StartNew();
                context.Decode(batch);
                if (step >= 10)
                {
                    times.Add(clock.Elapsed.TotalMilliseconds);
                }
            }

            for (var s = 0; s < width; s++)
            {
                context.NativeHandle.MemorySequenceRemove((LLamaSeqId)s, 0, -1);
            }

            line.Append(FormattableString.Invariant($" {width} seq {Median(times):F2} ms;"));
        }

        Console.WriteLine(line.ToString());
    }

    /// <summary>Tokens per second of the decoding loop (prompt excluded): no constraint, Declarative's masks, llama.cpp's grammar sampler.</summary>
    private static void Constrained(string path, int maxTokens, int rounds)
    {
        using var weights = LLamaWeights.LoadFromFile(new ModelParams(path) { GpuLayerCount = 0, ContextSize = 1024 });
        using var context = weights.CreateContext(new ModelParams(path) { GpuLayerCount = 0, ContextSize = 1024 });
        var vocabulary = GgufVocabulary.Load(path);
        var prompt = context.Tokenize("Reply with one JSON document.", addBos: true, special: true);
        var results = new Dictionary<string, List<double>>();
        var agree = 0;
        var compared = 0;
        // Each schema's grammar is bound once, as the chat client does (LlamaModel caches it): the first round pays for
        // learning its parser states (reported apart as "cold"), later rounds find their masks cached.
        var bindings = Schemas.Select(schema => (Schema: schema, Grammar: JsonSchemaCompiler.Compile(schema).Grammar)).Select(b => (b.Schema, b.Grammar, Bound: new TokenGrammar(CompiledGrammar.Compile(b.Grammar), vocabulary))).ToArray();
        var cold = new List<double>();
        for (var round = 0; round < rounds; round++)
        {
            foreach (var (schema, grammar, bound) in bindings)
            {
                var plain = Decode(context, prompt, maxTokens, new DefaultSamplingPipeline { Temperature = 0 }, vocabulary);
                var none = Decode(context, prompt, maxTokens, new TokenMaskSamplingPipeline(), vocabulary);
                var ours = Decode(context, prompt, maxTokens, new TokenMaskSamplingPipeline(bound.CreateMatcher()), vocabulary);
                if (round == 0)
                {
                    cold.Add(ours.TokensPerSecond);
                }
                var gbnf = Decode(context, prompt, maxTokens, new DefaultSamplingPipeline { Temperature = 0, Grammar = new LLama.Sampling.Grammar(grammar.ToGbnf(), "root"), GrammarOptimization = DefaultSamplingPipeline.GrammarOptimizationMode.None }, vocabulary);
                var gbnfFast = Decode(context, prompt, maxTokens, new DefaultSamplingPipeline { Temperature = 0, Grammar = new LLama.Sampling.Grammar(grammar.ToGbnf(), "root"), GrammarOptimization = DefaultSamplingPipeline.GrammarOptimizationMode.Extended }, vocabulary);
                Add(results, "unconstrained (LLamaSharp sampler)", plain.TokensPerSecond);
                Add(results, "unconstrained (Declarative sampler)", none.TokensPerSecond);
                Add(results, "Declarative masks", ours.TokensPerSecond);
                Add(results, "llama.cpp grammar (full vocabulary)", gbnf.TokensPerSecond);
                Add(results, "llama.cpp grammar (top-k first)", gbnfFast.TokensPerSecond);
                compared++;
                agree += ours.Text == gbnf.Text ? 1 : 0;
                if (round == 0)
                {
                    Console.WriteLine($"  schema {Array.IndexOf(Schemas, schema)}: ours {ours.Tokens} tokens {Shorten(ours.Text)}; llama.cpp {gbnf.Tokens} tokens");
                }
            }
        }

        Console.WriteLine($"constrained decoding, {Schemas.Length} schemas x {rounds} rounds, greedy, up to {maxTokens} tokens (median tokens/s; same text from both grammars in {agree}/{compared} runs):");
        Console.WriteLine(FormattableString.Invariant($"  first round (grammar states learned as they are met): Declarative masks {Median(cold):F0} tok/s"));
        var ourMedian = Median(results["Declarative masks"]);
        var freeMs = 1000 / Median(results["unconstrained (Declarative sampler)"]);
        Console.WriteLine(FormattableString.Invariant($"  per token: unconstrained {freeMs:F3} ms; the grammar adds {1000 / ourMedian - freeMs:F3} ms with Declarative's masks, {1000 / Median(results["llama.cpp grammar (full vocabulary)"]) - freeMs:F3} ms with llama.cpp's sampler"));
        foreach (var (name, values) in results)
        {
            Console.WriteLine(FormattableString.Invariant($"  {name,-38} {Median(values),9:F0} tok/s   (ours / this: {ourMedian / Median(values):F2}x)"));
        }
    }

    private static (int Tokens, string Text, double TokensPerSecond) Decode(LLamaContext context, LLamaToken[] prompt, int maxTokens, ISamplingPipeline pipeline, Vocabulary vocabulary)
    {
        using var _ = pipeline;
        context.NativeHandle.MemorySequenceRemove(LLamaSeqId.Zero, 0, -1);
        var batch = new LLamaBatch();
        batch.AddRange(prompt, 0, LLamaSeqId.Zero, true);
        if (context.Decode(batch) != DecodeResult.Ok)
        {
            throw new InvalidOperationException("prompt decode failed");
        }

        var text = new List<byte>();
        var position = prompt.Length;
        var clock = Stopwatch.StartNew();
        var count = 0;
        for (; count < maxTokens; count++)
        {
            var token = pipeline.Sample(context.NativeHandle, batch.TokenCount - 1);
            if (vocabulary.EndOfSequence.Contains((int)token) || token.IsEndOfGeneration(context.Vocab))
            {
                break;
            }

            if (pipeline is TokenMaskSamplingPipeline)
            {
                pipeline.Accept(token); // advances the matcher (llama.cpp's chain accepted inside Sample)
            }

            text.AddRange(vocabulary[(int)token].ToArray());
            batch.Clear();
            batch.Add(token, position++, LLamaSeqId.Zero, true);
            if (context.Decode(batch) != DecodeResult.Ok)
            {
                throw new InvalidOperationException("decode failed");
            }
        }

        return (count, Encoding.UTF8.GetString(text.ToArray()), count / clock.Elapsed.TotalSeconds);
    }

    /// <summary>Time to the first token of a call whose 1,500-token system prompt was evaluated by the call before.</summary>
    private static void PrefixReuse(string path, int rounds)
    {
        using var model = LlamaModel.Load(path, new LlamaModelOptions { GpuLayerCount = 0, ContextSize = 4096, ParallelSequences = 1 });
        // About 1,500 tokens of system prompt (cl100k_base: 7 tokens a rule).
        var system = string.Join(' ', Enumerable.Range(0, 214).Select(i => $"rule {i}: be exact."));
        var first = new List<double>();
        var second = new List<double>();
        var prefix = 0L;
        for (var round = 0; round < rounds; round++)
        {
            using var client = model.CreateChatClient();
            first.Add(FirstToken(client, system, $"Question {round}a?"));
            second.Add(FirstToken(client, system, $"Question {round}b?"));
            prefix += client.GetService<LlamaClientStatistics>()!.PromptTokensReused;
        }

        Console.WriteLine(FormattableString.Invariant($"prefix reuse ({prefix / rounds} shared prompt tokens): first call {Median(first):F1} ms to the first token, second {Median(second):F1} ms: {Median(first) / Median(second):F1}x sooner"));
    }

    private static double FirstToken(IChatClient client, string system, string question)
    {
        var clock = Stopwatch.StartNew();
        var enumerator = client.GetStreamingResponseAsync([new(ChatRole.System, system), new(ChatRole.User, question)], new ChatOptions { MaxOutputTokens = 8 }).GetAsyncEnumerator();
        enumerator.MoveNextAsync().AsTask().GetAwaiter().GetResult();
        var elapsed = clock.Elapsed.TotalMilliseconds;
        while (enumerator.MoveNextAsync().AsTask().GetAwaiter().GetResult())
        {
        }

        enumerator.DisposeAsync().AsTask().GetAwaiter().GetResult();
        return elapsed;
    }

    /// <summary>Aggregate tokens per second of 8 calls made at once against the same 8 made one after another.</summary>
    private static void Batching(string path, int rounds)
    {
        using var model = LlamaModel.Load(path, new LlamaModelOptions { GpuLayerCount = 0, ContextSize = 4096, ParallelSequences = 8 });
        var sequential = new List<double>();
        var concurrent = new List<double>();
        List<ChatMessage> Ask(int i) => [new(ChatRole.User, $"Tell me about item {i}.")];
        for (var round = 0; round < rounds; round++)
        {
            using var one = model.CreateChatClient(new LlamaChatOptions { ReusePrefix = false });
            var clock = Stopwatch.StartNew();
            long generated = 0;
            for (var i = 0; i < 8; i++)
            {
                generated += one.GetResponseAsync(Ask(i), new ChatOptions { MaxOutputTokens = 64, Temperature = 1f, Seed = i }).GetAwaiter().GetResult().Usage!.OutputTokenCount!.Value;
            }

            sequential.Add(generated / clock.Elapsed.TotalSeconds);
            using var many = model.CreateChatClient(new LlamaChatOptions { ReusePrefix = false });
            clock.Restart();
            var replies = Task.WhenAll(Enumerable.Range(0, 8).Select(i => many.GetResponseAsync(Ask(i), new ChatOptions { MaxOutputTokens = 64, Temperature = 1f, Seed = i }))).GetAwaiter().GetResult();
            concurrent.Add(replies.Sum(r => r.Usage!.OutputTokenCount!.Value) / clock.Elapsed.TotalSeconds);
        }

        Console.WriteLine(FormattableString.Invariant($"batching, 8 calls of up to 64 tokens: sequential {Median(sequential):F0} tok/s, concurrent {Median(concurrent):F0} tok/s: {Median(concurrent) / Median(sequential):F2}x"));
    }

    /// <summary>Prompt-lookup drafts on a copying task: acceptance and speed against plain decoding.</summary>
    private static void Speculation(string path, int rounds)
    {
        using var model = LlamaModel.Load(path, new LlamaModelOptions { GpuLayerCount = 0, ContextSize = 4096, ParallelSequences = 1 });
        var document = string.Join(' ', Enumerable.Range(0, 30).Select(i => $"Invoice {4400 + i} from Contoso Ltd, total {i * 3}.50 EUR, due 2026-12-{1 + (i % 28):00}."));
        List<ChatMessage> messages = [new(ChatRole.System, "Copy the invoice lines exactly."), new(ChatRole.User, document)];
        var plainSpeed = new List<double>();
        var draftSpeed = new List<double>();
        LlamaClientStatistics? statistics = null;
        var same = true;
        for (var round = 0; round < rounds; round++)
        {
            var options = new ChatOptions { MaxOutputTokens = 200 };
            using var plain = model.CreateChatClient(new LlamaChatOptions { ReusePrefix = false });
            using var drafting = model.CreateChatClient(new LlamaChatOptions { ReusePrefix = false, Speculation = LlamaSpeculation.PromptLookup });
            var clock = Stopwatch.StartNew();
            var a = plain.GetResponseAsync(messages, options).GetAwaiter().GetResult();
            plainSpeed.Add(a.Usage!.OutputTokenCount!.Value / clock.Elapsed.TotalSeconds);
            clock.Restart();
            var b = drafting.GetResponseAsync(messages, options).GetAwaiter().GetResult();
            draftSpeed.Add(b.Usage!.OutputTokenCount!.Value / clock.Elapsed.TotalSeconds);
            same &= a.Text == b.Text;
            statistics = drafting.GetService<LlamaClientStatistics>();
        }

        Console.WriteLine(FormattableString.Invariant($"prompt-lookup speculation, 200 tokens: accepted {statistics!.DraftTokensAccepted}/{statistics.DraftTokensProposed} drafts ({100.0 * statistics.DraftTokensAccepted / Math.Max(1, statistics.DraftTokensProposed):F0}%) in the last round; plain {Median(plainSpeed):F0} tok/s, with drafts {Median(draftSpeed):F0} tok/s: {Median(draftSpeed) / Median(plainSpeed):F2}x; same text: {same}"));
    }

    private static void Add(Dictionary<string, List<double>> results, string name, double value)
    {
        if (!results.TryGetValue(name, out var list))
        {
            results[name] = list = [];
        }

        list.Add(value);
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0 ? 0 : sorted[sorted.Length / 2];
    }

    private static string Shorten(string text) => text.Length <= 60 ? text : text[..60] + "…";
}
