using Declarative.Testing;
using Microsoft.Extensions.AI;
using static Declarative.Runtime.Tests.Modules.AgentTestKit;

namespace Declarative.Runtime.Tests.Modules;

public class CompositionTests
{
    [Fact]
    public async Task MultiChainComparison_shows_each_attempt_in_dspys_format_and_answers_with_a_rationale()
    {
        var client = new ScriptedChatClient().Answer(("rationale", "Two attempts say 4."), ("answer", "4"));
        var mcc = new MultiChainComparison("question -> answer", m: 3);
        IReadOnlyDictionary<string, object?>[] attempts =
        [
            new Dictionary<string, object?> { ["reasoning"] = "add 2 and 2.\nMore text.", ["answer"] = "4" },
            new Dictionary<string, object?> { ["rationale"] = "count on fingers.", ["answer"] = "5\nextra" },
            new Dictionary<string, object?> { ["reasoning"] = "  double two. ", ["answer"] = 4L },
        ];

        var result = await mcc.InvokeAsync(attempts, Question("What is 2+2?"), new RunContext(client));

        Assert.Equal("4", result["answer"]);
        Assert.Equal("Two attempts say 4.", result["rationale"]);
        var request = client.Requests[0];
        var user = request.Messages[^1].Text;
        Assert.Contains("[[ ## reasoning_attempt_1 ## ]]\n«I'm trying to add 2 and 2. I'm not sure but my prediction is 4»", user);
        Assert.Contains("[[ ## reasoning_attempt_2 ## ]]\n«I'm trying to count on fingers. I'm not sure but my prediction is 5»", user);
        Assert.Contains("[[ ## reasoning_attempt_3 ## ]]\n«I'm trying to double two. I'm not sure but my prediction is 4»", user);
        Assert.Equal(0.7f, request.Options!.Temperature);
        Assert.Equal(["rationale", "answer"], mcc.Predictor.Signature.OutputFields.Select(f => f.Name));
        Assert.Equal("Accurate Reasoning: Thank you everyone. Let's now holistically", mcc.Predictor.Signature["rationale"].Prefix);
        Assert.Equal(["predict"], mcc.NamedPredictors().Select(p => p.Name));
        Assert.Throws<ArgumentException>(() => { _ = mcc.InvokeAsync(attempts[..2], Question("q"), new RunContext(client)); });
    }

    [Fact]
    public async Task MultiChainComparison_can_sample_its_attempts_from_a_student()
    {
        var client = new ScriptedChatClient()
            .Answer(("reasoning", "a"), ("answer", "1"))
            .Answer(("reasoning", "b"), ("answer", "2"))
            .Answer(("rationale", "r"), ("answer", "2"));
        var result = await new MultiChainComparison("question -> answer", m: 2)
            .InvokeAsync(new ChainOfThought("question -> answer"), Question("q"), new RunContext(client));
        Assert.Equal("2", result["answer"]);
        Assert.Equal(["0", "1"], client.Requests.Take(2).Select(r => r.Options!.AdditionalProperties![OptionKeys.RolloutId]));
        Assert.Contains("my prediction is 1»", client.Requests[2].Messages[^1].Text);
    }

    [Fact]
    public void Majority_normalizes_breaks_ties_by_first_occurrence_and_defines_no_majority()
    {
        static IReadOnlyDictionary<string, object?> A(object? answer) => new Dictionary<string, object?> { ["answer"] = answer };

        var vote = Majority.Of([A("Paris"), A("the Paris."), A("London"), A("paris")], "answer");
        Assert.Equal("paris", vote.Value);
        Assert.Equal(3, vote.Votes);
        Assert.Equal(0, vote.Index);
        Assert.True(vote.IsAbsoluteMajority);

        var tie = Majority.Of([A("Rome"), A("Oslo"), A("oslo"), A("rome!")], "answer");
        Assert.Equal("rome", tie.Value);
        Assert.Equal(2, tie.Votes);
        Assert.False(tie.IsAbsoluteMajority);

        var skipped = Majority.Of([A("..."), A("Bern"), A("the")], "answer");
        Assert.Equal("bern", skipped.Value);
        Assert.Equal(1, skipped.Index);
        Assert.Equal(1, skipped.Counted);

        var none = Majority.Of([A("?"), A(null), A("a")], "answer");
        Assert.False(none.HasWinner);
        Assert.Equal(0, none.Votes);
        Assert.Equal(0, none.Index);

        var exact = Majority.Of([A("X"), A("x"), A("y")], "answer", normalize: s => s);
        Assert.Equal("X", exact.Value);
        Assert.Throws<ArgumentException>(() => Majority.Of([], "answer"));
        Assert.Throws<ArgumentException>(() => Majority.Of([A("x"), new Dictionary<string, object?>()], "answer"));
    }

    [Fact]
    public async Task Majority_votes_over_a_predictions_completions()
    {
        var client = new ScriptedChatClient().Answer(("answer", "7")).Answer(("answer", "8")).Answer(("answer", "8"));
        var prediction = await new Predict("question -> answer").InvokeAsync(Question("q"), new RunContext(client), new CallSettings { N = 3 });
        var vote = Majority.Of(prediction);
        Assert.Equal("8", vote.Value);
        Assert.Equal(2, vote.Votes);
    }

    [Fact]
    public async Task Parallel_keeps_input_order_bounds_concurrency_and_records_errors_per_item()
    {
        var client = new ConcurrencyProbe(new ScriptedChatClient()
            .When("q0", ("answer", "a0")).When("q1", ("answer", "a1")).When("q3", ("answer", "a3")).When("q4", ("answer", "a4")));
        var predict = new Predict("question -> answer");
        var pairs = Enumerable.Range(0, 5).Select(i => ((IInvokableModule)predict, (IReadOnlyDictionary<string, object?>)Question("q" + i))).ToArray();

        var results = await new ParallelRunner(new ParallelRunnerOptions { MaxParallelism = 2, MaxErrors = 1 }).RunAsync(pairs, new RunContext(client));

        Assert.Equal([0, 1, 2, 3, 4], results.Select(r => r.Index));
        Assert.Equal(["a0", "a1", null, "a3", "a4"], results.Select(r => r.Prediction?["answer"] as string));
        Assert.IsType<InvalidOperationException>(results[2].Error);
        Assert.False(results[2].Succeeded);
        Assert.Equal(2, client.MaxInFlight);
    }

    [Fact]
    public async Task Parallel_stops_after_too_many_errors_and_honours_cancellation()
    {
        var predict = new Predict("question -> answer");
        var pairs = Enumerable.Range(0, 6).Select(i => ((IInvokableModule)predict, (IReadOnlyDictionary<string, object?>)Question("q" + i))).ToArray();
        var failing = new ScriptedChatClient();

        var error = await Assert.ThrowsAsync<ParallelExecutionException>(() =>
            new ParallelRunner(new ParallelRunnerOptions { MaxParallelism = 1, MaxErrors = 1 }).RunAsync(pairs, new RunContext(failing)));
        Assert.Equal([0, 1], error.Failures.Select(f => f.Index));
        Assert.Equal(2, failing.CallCount);

        var slow = new ScriptedChatClient { Delay = TimeSpan.FromSeconds(30) };
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => new ParallelRunner().RunAsync(pairs, new RunContext(slow), cancellationToken: cts.Token));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ParallelRunner(new ParallelRunnerOptions { MaxParallelism = 0 }));
    }
}

/// <summary>
/// Records the most calls in flight at once. Until two calls have been in flight together, a call waits (up to 10 s)
/// for a second one: whether the caller overlaps calls is then not left to how soon a loaded machine starts its
/// second worker within one 50 ms call. A caller that never overlaps still shows one call at most (after one wait).
/// </summary>
internal sealed class ConcurrencyProbe(IChatClient inner) : DelegatingChatClient(inner)
{
    private readonly TaskCompletionSource waitOver = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int inFlight;
    private int max;

    public int MaxInFlight => max;

    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var now = Interlocked.Increment(ref inFlight);
        InterlockedMax(now);
        if (now >= 2)
        {
            waitOver.TrySetResult();
        }

        try
        {
            await Task.WhenAny(waitOver.Task, Task.Delay(TimeSpan.FromSeconds(10), cancellationToken));
            waitOver.TrySetResult(); // no partner came: later calls do not wait again
            await Task.Delay(50, cancellationToken);
            return await base.GetResponseAsync(messages, options, cancellationToken);
        }
        finally
        {
            Interlocked.Decrement(ref inFlight);
        }
    }

    private void InterlockedMax(int value)
    {
        int seen;
        while (value > (seen = Volatile.Read(ref max)) && Interlocked.CompareExchange(ref max, value, seen) != seen)
        {
        }
    }
}
