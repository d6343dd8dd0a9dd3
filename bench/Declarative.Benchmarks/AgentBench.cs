using System.Diagnostics;
using System.Globalization;
using Declarative.Tools;
using Microsoft.Extensions.AI;

namespace Declarative.Benchmarks;

/// <summary>
/// The advanced modules' own cost and their parallelism, with in-process clients: (1) one ReAct run (two steps, one
/// tool call, the extraction: three LM calls) against an instant client, so what is measured is formatting, the tool
/// policy, the tool call and parsing; (2) ParallelRunner over items whose LM call takes a fixed delay, at several
/// degrees of parallelism, against the sequential run.
/// </summary>
internal static class AgentBench
{
    public static int Run(string[] args)
    {
        var runs = 2000;
        var items = 64;
        var delayMs = 20;
        for (var i = 1; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--runs": runs = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--items": items = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--delay-ms": delayMs = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                default: Console.Error.WriteLine($"unknown option {args[i]}"); return 2;
            }
        }

        Console.WriteLine($"{Environment.ProcessorCount} cores; ReAct runs {runs}; parallel items {items} at {delayMs} ms each");
        ReActOverhead(runs);
        ParallelSpeedup(items, delayMs);
        return 0;
    }

    private static void ReActOverhead(int runs)
    {
        var adapter = ChatAdapter.Default;
        var client = new CyclingChatClient(
        [
            adapter.FormatReply([new("next_thought", "Add them."), new("next_tool_name", "add"), new("next_tool_args", new Dictionary<string, object?> { ["a"] = "2", ["b"] = "3" })]),
            adapter.FormatReply([new("next_thought", "Done."), new("next_tool_name", "finish"), new("next_tool_args", new Dictionary<string, object?>())]),
            adapter.FormatReply([new("reasoning", "2 + 3 = 5"), new("answer", "5")]),
        ]);
        var add = AIFunctionFactory.Create((int a, int b) => a + b, "add", "Adds two integers.");
        var agent = new ReAct("question -> answer", [add], new ReActOptions { Policy = new ToolPolicy { MaxToolCalls = 5 } });
        var context = new RunContext(client);
        var inputs = new Dictionary<string, object?> { ["question"] = "What is 2 + 3?" };
        for (var i = 0; i < 200; i++)
        {
            agent.InvokeAsync(inputs, context).GetAwaiter().GetResult();
        }

        var times = new double[runs];
        var before = GC.GetTotalAllocatedBytes(precise: true);
        for (var i = 0; i < runs; i++)
        {
            var start = Stopwatch.GetTimestamp();
            var result = agent.InvokeAsync(inputs, context).GetAwaiter().GetResult();
            times[i] = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
            if ((string?)result["answer"] != "5")
            {
                throw new InvalidOperationException("ReAct gave the wrong answer.");
            }
        }

        var allocated = (GC.GetTotalAllocatedBytes(precise: true) - before) / (double)runs;
        Array.Sort(times);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"ReAct run (3 LM calls, 1 tool call): median {Percentiles.Of(times, 0.5):F1} µs, p90 {Percentiles.Of(times, 0.9):F1} µs, {allocated / 1024:F1} KB allocated per run"));
    }

    private static void ParallelSpeedup(int items, int delayMs)
    {
        var client = new DelayedChatClient(ChatAdapter.Default.FormatReply([new("answer", "ok")]), TimeSpan.FromMilliseconds(delayMs));
        var predict = new Predict("question -> answer");
        var pairs = Enumerable.Range(0, items)
            .Select(i => ((IInvokableModule)predict, (IReadOnlyDictionary<string, object?>)new Dictionary<string, object?> { ["question"] = $"q{i}" }))
            .ToArray();
        var context = new RunContext(client);
        double? sequential = null;
        foreach (var parallelism in new[] { 1, 4, 16, 64 })
        {
            var runner = new ParallelRunner(new ParallelRunnerOptions { MaxParallelism = parallelism });
            var rounds = new double[3];
            for (var r = 0; r < rounds.Length; r++)
            {
                var start = Stopwatch.GetTimestamp();
                var results = runner.RunAsync(pairs, context).GetAwaiter().GetResult();
                rounds[r] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                if (results.Any(x => !x.Succeeded))
                {
                    throw new InvalidOperationException("An item failed.");
                }
            }

            Array.Sort(rounds);
            var median = rounds[1];
            sequential ??= median;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"ParallelRunner, parallelism {parallelism,2}: median {median:F0} ms for {items} items (ideal {Math.Ceiling(items / (double)parallelism) * delayMs:F0} ms), speed-up {sequential / median:F1}x"));
        }
    }

    /// <summary>Answers with the given completions in turn, at once.</summary>
    private sealed class CyclingChatClient(string[] completions) : IChatClient
    {
        private readonly ChatResponse[] responses = completions.Select(c => new ChatResponse(new ChatMessage(ChatRole.Assistant, c))).ToArray();
        private int next;

        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            Task.FromResult(responses[next++ % responses.Length]);

        public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }

    /// <summary>Answers with a fixed completion after a fixed delay, as a remote model would.</summary>
    private sealed class DelayedChatClient(string completion, TimeSpan delay) : IChatClient
    {
        public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
        {
            await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
            return new ChatResponse(new ChatMessage(ChatRole.Assistant, completion));
        }

        public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }
}
