using Declarative.Testing;
using Declarative.Tracing;
using Microsoft.Extensions.AI;
using static Declarative.Runtime.Tests.Modules.AgentTestKit;

namespace Declarative.Runtime.Tests.Modules;

public class RolloutTests
{
    private static double OneWord(IReadOnlyDictionary<string, object?> inputs, Prediction prediction) =>
        prediction.Get<string>("answer").Split(' ').Length == 1 ? 1.0 : 0.0;

    [Fact]
    public async Task BestOfN_stops_at_the_first_attempt_meeting_the_threshold()
    {
        var client = new ScriptedChatClient()
            .Answer(("reasoning", "r1"), ("answer", "It is Brussels"))
            .Answer(("reasoning", "r2"), ("answer", "Brussels"))
            .Answer(("reasoning", "r3"), ("answer", "Never asked"));
        var trace = new TraceRecorder();
        var qa = new ChainOfThought("question -> answer");

        var result = await new BestOfN<ChainOfThought>(qa, new RolloutOptions(3, OneWord, threshold: 1.0))
            .InvokeAsync(Question("Capital of Belgium?"), new RunContext(client) { Trace = trace });

        Assert.Equal("Brussels", result["answer"]);
        Assert.Equal(1, client.RemainingAnswers);
        Assert.Equal(["0", "1"], client.Requests.Select(r => r.Options!.AdditionalProperties![OptionKeys.RolloutId]));
        Assert.All(client.Requests, r => Assert.Equal(1.0f, r.Options!.Temperature));
        var entry = Assert.Single(trace.Entries);
        Assert.Equal("Brussels", entry.Outputs["answer"]);
    }

    [Fact]
    public async Task BestOfN_returns_the_best_attempt_when_none_meets_the_threshold_and_counts_rollouts_from_the_callers_id()
    {
        var client = new ScriptedChatClient()
            .Answer(("answer", "a b c"))
            .Answer(("answer", "a"))
            .Answer(("answer", "a b"));
        double Shortness(IReadOnlyDictionary<string, object?> _, Prediction p) => -p.Get<string>("answer").Length;

        var result = await new BestOfN<Predict>(new Predict("question -> answer"), new RolloutOptions(3, Shortness, threshold: 0))
            .InvokeAsync(Question("q"), new RunContext(client), new CallSettings { RolloutId = "7" });

        Assert.Equal("a", result["answer"]);
        Assert.Equal(3, client.CallCount);
        Assert.Equal(["7", "8", "9"], client.Requests.Select(r => r.Options!.AdditionalProperties![OptionKeys.RolloutId]));
        Assert.Equal("run-1", Rollouts.RolloutId("run", 1));
    }

    [Fact]
    public async Task Failed_attempts_are_tolerated_up_to_the_fail_count()
    {
        var tolerant = new FailingChatClient(new ScriptedChatClient().Answer(("answer", "ok")), failures: 1);
        var result = await new BestOfN<Predict>(new Predict("question -> answer"), new RolloutOptions(3, (_, _) => 1.0, 1.0) { FailCount = 1 })
            .InvokeAsync(Question("q"), new RunContext(tolerant));
        Assert.Equal("ok", result["answer"]);

        var strict = new FailingChatClient(new ScriptedChatClient().Answer(("answer", "ok")), failures: 2);
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => new BestOfN<Predict>(new Predict("question -> answer"), new RolloutOptions(3, (_, _) => 1.0, 1.0) { FailCount = 1 })
            .InvokeAsync(Question("q"), new RunContext(strict)));
        Assert.Equal("boom 2", error.Message);
        Assert.Equal(2, strict.Calls);

        var none = new FailingChatClient(new ScriptedChatClient(), failures: 10);
        await Assert.ThrowsAsync<InvalidOperationException>(() => new BestOfN<Predict>(new Predict("question -> answer"), new RolloutOptions(3, (_, _) => 1.0, 1.0) { FailCount = 0 })
            .InvokeAsync(Question("q"), new RunContext(none)));
        Assert.Equal(1, none.Calls);
    }

    [Fact]
    public async Task Every_attempt_failing_within_the_fail_count_is_a_typed_error()
    {
        var client = new FailingChatClient(new ScriptedChatClient(), failures: 10);
        var error = await Assert.ThrowsAsync<AttemptsFailedException>(() => new Refine<Predict>(new Predict("question -> answer"), new RolloutOptions(3, (_, _) => 1.0, 1.0))
            .InvokeAsync(Question("q"), new RunContext(client)));
        Assert.Equal(["boom 1", "boom 2", "boom 3"], error.Errors.Select(e => e.Message));
        Assert.Throws<ArgumentOutOfRangeException>(() => new BestOfN<Predict>(new Predict("q -> a"), new RolloutOptions(0, (_, _) => 1.0, 1.0)));
    }

    [Fact]
    public async Task Refine_passes_the_feedbacks_advice_to_the_next_attempt_as_a_hint()
    {
        var client = new ScriptedChatClient()
            .Answer(("reasoning", "r1"), ("answer", "The capital is Brussels"))
            .Answer(("discussion", "predict was too wordy"), ("advice", new Dictionary<string, object?> { ["predict"] = "Answer in one word." }))
            .Answer(("reasoning", "r2"), ("answer", "Brussels"));
        var qa = new ChainOfThought("question -> answer");
        var trace = new TraceRecorder();
        var refine = new Refine<ChainOfThought>(qa, new RolloutOptions(3, OneWord, 1.0) { RewardDescription = "1 when the answer is one word" });

        var result = await refine.InvokeAsync(Question("Capital of Belgium?"), new RunContext(client) { Trace = trace });

        Assert.Equal("Brussels", result["answer"]);
        var requests = client.Requests;
        Assert.Equal(3, requests.Count);
        var feedback = requests[1].Messages[^1].Text;
        Assert.Contains("[[ ## module_names ## ]]\n[\"predict\"]", feedback);
        Assert.Contains("[[ ## reward_code ## ]]\n1 when the answer is one word", feedback);
        Assert.Contains("The capital is Brussels", feedback);
        Assert.Contains("assign blame to each module", requests[1].Messages[0].Text);
        Assert.DoesNotContain("hint_", requests[0].Messages[^1].Text);
        Assert.Contains("[[ ## hint_ ## ]]\nAnswer in one word.", requests[2].Messages[^1].Text);
        Assert.Contains("A hint to the module from an earlier run", requests[2].Messages[0].Text);

        Assert.Equal(["OfferFeedback", "StringSignature"], trace.Entries.Select(e => e.Predictor));
        Assert.False(trace.Entries[1].Inputs.ContainsKey(Predict.HintField));
        Assert.False(trace.Entries[1].Signature.TryGetField(Predict.HintField, out _));
        Assert.Null(qa.Predictor.Hint);
        Assert.False(qa.Signature.TryGetField(Predict.HintField, out _));
        Assert.Equal(["module.predict"], refine.NamedPredictors().Select(p => p.Name));
        Assert.Same(qa.Predictor, refine.NamedPredictors()[0].Predictor);
    }

    [Fact]
    public async Task Tool_decisions_of_losing_attempts_still_reach_the_trace()
    {
        var searches = new Counter();
        var client = new ScriptedChatClient()
            .Step("look", "search", ("query", "a")).Step("done", "finish").Answer(("reasoning", "r"), ("answer", "It is Paris"))
            .Step("look", "search", ("query", "b")).Step("done", "finish").Answer(("reasoning", "r"), ("answer", "Paris"));
        var trace = new TraceRecorder();
        var best = new BestOfN<ReAct>(new ReAct("question -> answer", [Search(searches)]), new RolloutOptions(2, OneWord, 1.0));

        var result = await best.InvokeAsync(Question("Capital?"), new RunContext(client) { Trace = trace });

        Assert.Equal("Paris", result["answer"]);
        Assert.Equal(2, searches.Count);
        Assert.Equal(["a", "b"], trace.ToolDecisions.Select(d => d.Arguments["query"]!.ToString()));
        Assert.Equal(3, trace.Entries.Count);
        Assert.Equal(["module.react", "module.extract.predict"], best.NamedPredictors().Select(p => p.Name));
    }

    [Fact]
    public async Task Refine_gives_predictors_the_advice_absent_from_the_feedback_as_NA()
    {
        var client = new ScriptedChatClient()
            .Answer(("answer", "two words"))
            .Answer(("discussion", "d"), ("advice", new Dictionary<string, object?> { ["other"] = "x" }))
            .Answer(("answer", "one"));
        var result = await new Refine<Predict>(new Predict("question -> answer"), new RolloutOptions(2, OneWord, 1.0))
            .InvokeAsync(Question("q"), new RunContext(client));
        Assert.Equal("one", result["answer"]);
        Assert.Contains("[[ ## hint_ ## ]]\nN/A", client.Requests[2].Messages[^1].Text);
    }
}

/// <summary>Throws for the first calls, then passes calls on.</summary>
internal sealed class FailingChatClient(IChatClient inner, int failures) : DelegatingChatClient(inner)
{
    private int calls;

    public int Calls => calls;

    public override Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var call = Interlocked.Increment(ref calls);
        return call <= failures ? throw new InvalidOperationException($"boom {call}") : base.GetResponseAsync(messages, options, cancellationToken);
    }
}
