using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Declarative.Optimizers;
using Microsoft.Extensions.AI;

namespace Declarative.Benchmarks;

/// <summary>
/// What MIPROv2 itself costs — bootstrapping, proposals, the TPE sampler, minibatches, journal steps, candidate states —
/// with an LM that answers at once: MIPROv2 <c>auto = medium</c> over a generated training set (default 1,000
/// examples). Reports wall time, LM calls, bytes allocated and the peak working set.
/// </summary>
internal static partial class MiproBookkeeping
{
    public static int Run(string[] args)
    {
        var examples = 1000;
        for (var i = 1; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--examples": examples = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                default: Console.Error.WriteLine($"unknown option {args[i]}"); return 2;
            }
        }

        var trainset = Enumerable.Range(0, examples)
            .Select(i => Example.Of(("question", $"What is {i} plus {i % 7}?"), ("answer", (i + (i % 7)).ToString(CultureInfo.InvariantCulture))).WithInputs("question"))
            .ToList();
        var client = new AnsweringClient();
        var context = new RunContext(client);
        var metric = Metrics.ExactMatch("answer");
        var optimizer = new MiproV2(metric, new MiproOptions { Auto = OptimizationIntensity.Medium });

        // Warm-up on a small set, so JIT time is not counted.
        optimizer.OptimizeAsync(new Predict("question -> answer"), trainset.Take(20).ToList(), null, Optimizer.RunPredict, context, new OptimizationRun()).GetAwaiter().GetResult();
        client.Calls = 0;

        GC.Collect();
        GC.WaitForPendingFinalizers();
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var clock = Stopwatch.StartNew();
        var result = optimizer.OptimizeAsync(new Predict("question -> answer"), trainset, null, Optimizer.RunPredict, context, new OptimizationRun()).GetAwaiter().GetResult();
        clock.Stop();
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        using var process = Process.GetCurrentProcess();
        process.Refresh();

        Console.WriteLine($"MIPROv2 medium, {examples} training examples, {Environment.ProcessorCount} cores");
        Console.WriteLine($"candidates {result.Candidates.Count} ({result.Candidates.Count(c => c.FullEvaluation)} full), best {result.Score}%");
        Console.WriteLine($"LM calls {client.Calls}");
        Console.WriteLine($"wall {clock.Elapsed.TotalSeconds:0.00} s, {clock.Elapsed.TotalMilliseconds / Math.Max(1, client.Calls):0.000} ms per LM call");
        Console.WriteLine($"allocated {allocated / 1048576.0:0.0} MiB, peak working set {process.PeakWorkingSet64 / 1048576.0:0.0} MiB");
        return 0;
    }

    /// <summary>
    /// Answers every request at once, filling each output field the system message declares: task answers are right
    /// for even results, proposals get a fixed sentence.
    /// </summary>
    private sealed partial class AnsweringClient : IChatClient
    {
        private int calls;

        public int Calls
        {
            get => Volatile.Read(ref calls);
            set => Volatile.Write(ref calls, value);
        }

        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref calls);
            var list = messages as IList<ChatMessage> ?? messages.ToList();
            var system = list[0].Text;
            var start = system.IndexOf("Your output fields are:", StringComparison.Ordinal);
            var end = system.IndexOf("All interactions", StringComparison.Ordinal);
            var fields = Field().Matches(system[start..end]).Select(m => m.Groups[1].Value).ToList();
            var values = new Dictionary<string, object?>();
            foreach (var field in fields)
            {
                if (field == "answer" && Sum().Match(list[^1].Text) is { Success: true } m)
                {
                    var sum = int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) + int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture);
                    values[field] = sum % 2 == 0 ? sum.ToString(CultureInfo.InvariantCulture) : "unsure";
                }
                else
                {
                    values[field] = "Add the two numbers and answer with the sum only.";
                }
            }

            return Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, ChatAdapter.Default.FormatReply(values))));
        }

        public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }

        [GeneratedRegex(@"\d+\.\s+`(\w+)`")]
        private static partial Regex Field();

        [GeneratedRegex(@"What is (\d+) plus (\d+)\?")]
        private static partial Regex Sum();
    }
}
