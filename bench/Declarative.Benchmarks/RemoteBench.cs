using System.Diagnostics;
using Declarative.Pipeline;
using Declarative.Runtime.OpenAI;
using Declarative.Testing;
using Microsoft.Extensions.AI;

namespace Declarative.Benchmarks;

/// <summary>
/// Remote calls through the OpenAI backend and the resilience middleware against the loopback OpenAI-compatible server:
/// wall time of many calls at a fixed latency and concurrency against the ideal (calls × latency / concurrency), with
/// and without injected faults (the ideal then counts every attempt, retried faults included).
/// </summary>
internal static class RemoteBench
{
    public static int Run(string[] args)
    {
        var calls = 2000;
        var latencyMs = 50;
        var concurrency = 16;
        for (var i = 1; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--calls": calls = int.Parse(args[++i], System.Globalization.CultureInfo.InvariantCulture); break;
                case "--latency-ms": latencyMs = int.Parse(args[++i], System.Globalization.CultureInfo.InvariantCulture); break;
                case "--concurrency": concurrency = int.Parse(args[++i], System.Globalization.CultureInfo.InvariantCulture); break;
                default: Console.Error.WriteLine($"unknown option {args[i]}"); return 2;
            }
        }

        foreach (var faulted in new[] { false, true })
        {
            var options = new OpenAiTestServerOptions
            {
                Seed = 5,
                AcceptAnyModel = true,
                Latency = TimeSpan.FromMilliseconds(latencyMs),
                RetryAfterSeconds = 0,
                RateLimitRate = faulted ? 0.06 : 0,
                ServerErrorRate = faulted ? 0.05 : 0,
                ServiceUnavailableRate = faulted ? 0.05 : 0,
                TruncatedJsonRate = faulted ? 0.02 : 0,
                InvalidJsonRate = faulted ? 0.02 : 0,
            };
            var server = new OpenAiTestServer(new Answerer(), options);
            try
            {
                using var client = new ChatClientBuilder(OpenAiModels.CreateChatClient(new OpenAiClientOptions { Model = "test-model", Endpoint = server.Endpoint, ServerKind = OpenAiServerKind.Generic }))
                    .UseResilience(new ResilienceOptions { MaxRetries = 8, BaseDelay = TimeSpan.FromMilliseconds(1), MaxDelay = TimeSpan.FromMilliseconds(10), MaxConcurrency = concurrency, BreakAfterConsecutiveFailures = 1000 })
                    .Build();
                var predict = new Predict("question -> answer");

                // Warm-up (JIT, connections), then the counters are read as differences.
                Parallel.ForEachAsync(Enumerable.Range(0, 64), new ParallelOptions { MaxDegreeOfParallelism = concurrency }, async (i, ct) =>
                    await predict.InvokeAsync(new Dictionary<string, object?> { ["question"] = $"w{i}" }, new RunContext(client), cancellationToken: ct)).GetAwaiter().GetResult();
                var before = client.GetService<ResilienceStatistics>()!;
                var clock = Stopwatch.StartNew();
                Parallel.ForEachAsync(Enumerable.Range(0, calls), new ParallelOptions { MaxDegreeOfParallelism = concurrency }, async (i, ct) =>
                    await predict.InvokeAsync(new Dictionary<string, object?> { ["question"] = $"q{i}" }, new RunContext(client), cancellationToken: ct)).GetAwaiter().GetResult();
                var wall = clock.Elapsed.TotalSeconds;
                var after = client.GetService<ResilienceStatistics>()!;
                var attempts = after.Attempts - before.Attempts;
                var retried = after.RetriedFaults - before.RetriedFaults;
                var ideal = (attempts * latencyMs / 1000.0 / concurrency) + ((after.RetryWait - before.RetryWait).TotalSeconds / concurrency);
                Console.WriteLine(FormattableString.Invariant(
                    $"{(faulted ? "20% faults" : "no faults "),-10}: {calls} calls, {attempts} attempts ({retried} retried faults), {latencyMs} ms latency, {concurrency}-way: wall {wall:F2} s, ideal {ideal:F2} s, ratio {wall / ideal:F3}"));
            }
            finally
            {
                server.DisposeAsync().AsTask().GetAwaiter().GetResult();
            }
        }

        return 0;
    }

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
