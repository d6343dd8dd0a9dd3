using System.Text.Json.Nodes;
using Declarative.Testing;

namespace Declarative.Optimizers.Tests;

public class EvaluatorTests
{
    private static readonly Metric Exact = Metrics.ExactMatch();

    private static List<Example> Devset(int n) =>
        Enumerable.Range(0, n).Select(i => Example.Of(("question", $"q{i}"), ("answer", $"a{i}")).WithInputs("question")).ToList();

    private static Prediction Answer(object? value) =>
        new(new Dictionary<string, object?> { ["answer"] = value }, string.Empty, "test", null);

    [Fact]
    public async Task Runs_at_most_max_parallelism_at_once_and_keeps_dataset_order()
    {
        var running = 0;
        var peak = 0;
        // Until two examples have run at once, an example waits (up to 10 s) for a second one: whether the evaluator
        // overlaps them is then not left to how soon a loaded machine starts a second worker within a 5-11 ms example.
        var waitOver = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var devset = Devset(24);
        var evaluator = new Evaluator(new EvaluateOptions { MaxParallelism = 3 });
        var result = await evaluator.EvaluateAsync(async (example, ct) =>
        {
            var now = Interlocked.Increment(ref running);
            InterlockedMax(ref peak, now);
            if (now >= 2)
            {
                waitOver.TrySetResult();
            }

            await Task.WhenAny(waitOver.Task, Task.Delay(TimeSpan.FromSeconds(10), ct));
            waitOver.TrySetResult(); // no partner came: later examples do not wait again
            var i = int.Parse(((string)example["question"]!)[1..]);
            await Task.Delay(5 + (24 - i) % 7, ct); // later examples finish out of order
            Interlocked.Decrement(ref running);
            return Answer(i % 2 == 0 ? $"a{i}" : "wrong");
        }, devset, Exact);

        Assert.InRange(peak, 2, 3);
        Assert.Equal(Enumerable.Range(0, 24), result.Rows.Select(r => r.Index));
        Assert.Equal(devset.Select(e => e["question"]), result.Rows.Select(r => r.Inputs["question"]));
        Assert.Equal(50, result.Score);
        Assert.Equal(24, result.Count);
    }

    [Fact]
    public async Task Throwing_examples_get_the_failure_score_and_are_counted()
    {
        var evaluator = new Evaluator(new EvaluateOptions { FailureScore = 0.5, MaxParallelism = 2 });
        var result = await evaluator.EvaluateAsync((example, _) => (string)example["question"]! == "q1"
            ? throw new InvalidOperationException("model down")
            : Task.FromResult(Answer(example["answer"])), Devset(3), Exact);

        Assert.Equal(3, result.Count);
        Assert.Equal(1, result.ErrorCount);
        Assert.Equal("InvalidOperationException: model down", result.Rows[1].Error);
        Assert.Equal(0.5, result.Rows[1].Score);
        Assert.Empty(result.Rows[1].Outputs);
        Assert.Equal(83.33, result.Score); // (1 + 0.5 + 1) / 3, in percent, 2 decimals
    }

    [Fact]
    public async Task A_throwing_metric_is_a_failure_too()
    {
        var result = await new Evaluator().EvaluateAsync((e, _) => Task.FromResult(Answer("x")), Devset(2),
            Metrics.ExactMatch("missing"));
        Assert.Equal(2, result.ErrorCount);
        Assert.Contains("'missing'", result.Rows[0].Error);
        Assert.Equal("x", result.Rows[0].Outputs["answer"]);
    }

    [Fact]
    public async Task Cancellation_stops_the_evaluation()
    {
        using var cts = new CancellationTokenSource();
        var task = new Evaluator(new EvaluateOptions { MaxParallelism = 2 }).EvaluateAsync(async (e, ct) =>
        {
            await cts.CancelAsync();
            await Task.Delay(Timeout.Infinite, ct);
            return Answer("never");
        }, Devset(10), Exact, cts.Token);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => task);
    }

    [Fact]
    public async Task Progress_is_reported_for_every_example()
    {
        var reports = new List<EvaluationProgress>();
        var progress = new SyncProgress(p => { lock (reports) { reports.Add(p); } });
        await new Evaluator(new EvaluateOptions { Progress = progress }).EvaluateAsync((e, _) => Task.FromResult(Answer(e["answer"])), Devset(5), Exact);
        Assert.Equal(5, reports.Count);
        Assert.Contains(reports, r => r is { Completed: 5, Total: 5, Percent: 100 });
    }

    [Fact]
    public void Options_are_validated_when_the_evaluator_is_built()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new Evaluator(new EvaluateOptions { MaxParallelism = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Evaluator(new EvaluateOptions { FailureScore = double.NaN }));
    }

    [Fact]
    public async Task A_predictor_is_evaluated_on_the_example_inputs()
    {
        var client = new ScriptedChatClient().When("q0", ("answer", "a0")).When("q1", ("answer", "nope"));
        var result = await new Evaluator().EvaluateAsync(new Predict("question -> answer"), new RunContext(client), Devset(2), Exact);
        Assert.Equal(50, result.Score);
        Assert.Equal("nope", result.Rows[1].Outputs["answer"]);
        await Assert.ThrowsAsync<ArgumentException>(() => new Evaluator().EvaluateAsync(new Predict("question -> answer"), new RunContext(client), [Example.Of(("question", "q"))], Exact));
    }

    [Fact]
    public async Task Exports_escape_their_values()
    {
        var devset = new List<Example> { Example.Of(("question", "<b>1, \"2\"</b>"), ("answer", "x")).WithInputs("question") };
        var result = await new Evaluator().EvaluateAsync((e, _) => Task.FromResult(Answer("a & b\nc")), devset,
            Metrics.FromDelegate((e, p) => new MetricResult(0.25, "not <quite>")));

        Assert.Equal(
            "index,question,answer,score,feedback,error\n0,\"<b>1, \"\"2\"\"</b>\",\"a & b\nc\",0.25,not <quite>,\n",
            result.ToCsv());

        var json = JsonNode.Parse(result.ToJson())!;
        Assert.Equal(25, json["score"]!.GetValue<double>());
        Assert.Equal(1, json["n"]!.GetValue<int>());
        Assert.Equal("<b>1, \"2\"</b>", json["rows"]![0]!["inputs"]!["question"]!.GetValue<string>());
        Assert.Equal("a & b\nc", json["rows"]![0]!["outputs"]!["answer"]!.GetValue<string>());

        var html = result.ToHtml();
        Assert.Contains("<td>&lt;b&gt;1, &quot;2&quot;&lt;/b&gt;</td>", html);
        Assert.Contains("<td>a &amp; b\nc</td>", html);
        Assert.Contains("<td>not &lt;quite&gt;</td>", html);
        Assert.DoesNotContain("<b>", html);
        Assert.Contains("Score 25% over 1 examples", html);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while ((current = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }

    private sealed class SyncProgress(Action<EvaluationProgress> report) : IProgress<EvaluationProgress>
    {
        public void Report(EvaluationProgress value) => report(value);
    }
}
