using System.Diagnostics;
using System.Globalization;
using Declarative.Optimizers;
using Declarative.Pipeline;
using Declarative.Runtime.OpenAI;
using Declarative.Testing;
using Microsoft.Extensions.AI;

namespace Declarative.Benchmarks;

/// <summary>
/// <c>optimize-remote</c>: BootstrapFewShotWithRandomSearch against the loopback OpenAI-compatible server at a fixed
/// latency, with the client limited to N calls in flight; wall time against the ideal (LM calls × latency / N), with
/// candidates scored one after another and with <see cref="RandomSearchOptions.MaxConcurrentCandidates"/> = N (and
/// <see cref="RandomSearchOptions.BootstrapParallelism"/> = N).
/// </summary>
internal static class OptimizeRemoteBench
{
    public static int Run(string[] args)
    {
        var latencyMs = 50;
        var concurrency = 16;
        var candidates = 29;
        var train = 32;
        var dev = 48;
        var rounds = 3;
        for (var i = 1; i < args.Length; i++)
        {
            var value = int.Parse(args[++i], CultureInfo.InvariantCulture);
            switch (args[i - 1])
            {
                case "--latency-ms": latencyMs = value; break;
                case "--concurrency": concurrency = value; break;
                case "--candidates": candidates = value; break;
                case "--train": train = value; break;
                case "--dev": dev = value; break;
                case "--rounds": rounds = value; break;
                default: Console.Error.WriteLine($"unknown option {args[i - 1]}"); return 2;
            }
        }

        Measure(2, 4, 8, 1, latencyMs, concurrency, warmUp: true);
        foreach (var concurrent in new[] { 1, concurrency })
        {
            var ratios = new List<double>();
            for (var round = 0; round < rounds; round++)
            {
                ratios.Add(Measure(candidates, train, dev, concurrent, latencyMs, concurrency, warmUp: false));
            }

            ratios.Sort();
            Console.WriteLine(FormattableString.Invariant($"MaxConcurrentCandidates={concurrent}: median ratio {ratios[ratios.Count / 2]:F3} over {rounds} runs"));
        }

        return 0;
    }

    private static double Measure(int candidates, int train, int dev, int concurrent, int latencyMs, int concurrency, bool warmUp)
    {
        var server = new OpenAiTestServer(new Answerer(), new OpenAiTestServerOptions { AcceptAnyModel = true, Latency = TimeSpan.FromMilliseconds(latencyMs) });
        try
        {
            using var client = new ChatClientBuilder(OpenAiModels.CreateChatClient(new OpenAiClientOptions { Model = "test-model", Endpoint = server.Endpoint, ServerKind = OpenAiServerKind.Generic }))
                .UseResilience(new ResilienceOptions { MaxConcurrency = concurrency })
                .Build();
            var trainset = Examples("t", train);
            var devset = Examples("d", dev);
            var search = new BootstrapFewShotWithRandomSearch(Metrics.ExactMatch(), new RandomSearchOptions
            {
                NumCandidatePrograms = candidates,
                MaxBootstrappedDemos = 4,
                MaxLabeledDemos = 4,
                MaxParallelism = concurrency,
                MaxConcurrentCandidates = concurrent,
                BootstrapParallelism = concurrent == 1 ? 1 : concurrency,
            });
            var clock = Stopwatch.StartNew();
            var result = search.OptimizeAsync(new Predict("question -> answer"), trainset, devset, Optimizer.RunPredict, new RunContext(client), new OptimizationRun())
                .GetAwaiter().GetResult();
            var wall = clock.Elapsed.TotalSeconds;
            var calls = server.Requests.Count;
            var ideal = calls * latencyMs / 1000.0 / concurrency;
            if (!warmUp)
            {
                Console.WriteLine(FormattableString.Invariant(
                    $"{candidates + 3} candidates ({concurrent} at once), train {train}, dev {dev}: {calls} LM calls, {latencyMs} ms latency, {concurrency}-way: wall {wall:F2} s, ideal {ideal:F2} s, ratio {wall / ideal:F3} (best {result.Score}%)"));
            }

            return wall / ideal;
        }
        finally
        {
            server.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }

    /// <summary>Questions with answer "yes" on even numbers and "no" on odd ones; the server always says yes.</summary>
    private static List<Example> Examples(string prefix, int n) =>
        Enumerable.Range(0, n).Select(i => Example.Of(("question", $"{prefix}{i}"), ("answer", i % 2 == 0 ? "yes" : "no")).WithInputs("question")).ToList();

    private sealed class Answerer : IChatClient
    {
        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, "[[ ## answer ## ]]\nyes\n\n[[ ## completed ## ]]")));

        public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }
}
