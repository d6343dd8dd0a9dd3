using Declarative.Testing;
using Declarative.Tracing;
using Microsoft.Extensions.AI;

namespace Declarative.Runtime.Tests;

public class ModuleTests
{
    [Fact]
    public async Task Typed_predict_fills_outputs_on_a_copy()
    {
        var client = new ScriptedChatClient().Answer(("answer", "Paris"));
        var input = new QA { Question = "Capital of France?" };
        var result = await new Predict<QA>().InvokeAsync(input, new RunContext(client));
        Assert.Equal("Paris", result.Value.Answer);
        Assert.Equal("Capital of France?", result.Value.Question);
        Assert.Equal("", input.Answer);
        Assert.NotNull(result.Usage);
        Assert.Equal("ChatAdapter", result.Adapter);
        Assert.Contains("[[ ## answer ## ]]\nParis", result.RawCompletion);
    }

    [Fact]
    public async Task Chain_of_thought_returns_reasoning()
    {
        var client = new ScriptedChatClient().Answer(("reasoning", "It is in Europe."), ("answer", "Paris"));
        var result = await new ChainOfThought<QA>().InvokeAsync(new QA { Question = "Capital of France?" }, new RunContext(client));
        Assert.Equal("It is in Europe.", result.Reasoning);
        Assert.Equal("Paris", result.Value.Answer);
    }

    [Fact]
    public async Task Chat_parse_failure_falls_back_to_json_once_and_is_traced()
    {
        var client = new ScriptedChatClient().AnswerRaw("I think the answer is Paris.").AnswerRaw("{\"answer\": \"Paris\"}");
        var trace = new TraceRecorder();
        var result = await new Predict("question -> answer").InvokeAsync(
            new Dictionary<string, object?> { ["question"] = "q" }, new RunContext(client) { Trace = trace });
        Assert.Equal("Paris", result["answer"]);
        Assert.Equal("JsonAdapter", result.Adapter);
        Assert.Equal(2, client.CallCount);
        Assert.NotNull(client.Requests[1].Options!.ResponseFormat);
        var entry = Assert.Single(trace.Entries);
        Assert.Equal("ChatAdapter", entry.FallbackFrom);
        Assert.Equal("JsonAdapter", entry.Adapter);
    }

    [Fact]
    public async Task When_the_fallback_fails_too_the_json_error_keeps_the_raw_text()
    {
        var client = new ScriptedChatClient().AnswerRaw("nonsense").AnswerRaw("still nonsense");
        var ex = await Assert.ThrowsAsync<AdapterParseException>(() => new Predict("question -> answer")
            .InvokeAsync(new Dictionary<string, object?> { ["question"] = "q" }, new RunContext(client)));
        Assert.Equal("JsonAdapter", ex.AdapterName);
        Assert.Equal("still nonsense", ex.RawCompletion);
    }

    [Fact]
    public async Task Fallback_can_be_switched_off()
    {
        var client = new ScriptedChatClient().AnswerRaw("nonsense");
        var context = new RunContext(client) { Adapter = new ChatAdapter { UseJsonFallback = false } };
        var ex = await Assert.ThrowsAsync<AdapterParseException>(() => new Predict("question -> answer")
            .InvokeAsync(new Dictionary<string, object?> { ["question"] = "q" }, context));
        Assert.Equal("ChatAdapter", ex.AdapterName);
        Assert.Equal(1, client.CallCount);
    }

    [Fact]
    public async Task Missing_and_unknown_inputs_are_rejected()
    {
        var predict = new Predict("question, context -> answer");
        var context = new RunContext(new ScriptedChatClient());
        var missing = await Assert.ThrowsAsync<ArgumentException>(() => predict.InvokeAsync(new Dictionary<string, object?> { ["question"] = "q" }, context));
        Assert.Contains("Input 'context'", missing.Message);
        var unknown = await Assert.ThrowsAsync<ArgumentException>(() => predict.InvokeAsync(
            new Dictionary<string, object?> { ["question"] = "q", ["context"] = "c", ["answer"] = "a" }, context));
        Assert.Contains("'answer' is not an input", unknown.Message);
    }

    [Fact]
    public async Task Example_inputs_are_used_when_marked()
    {
        var client = new ScriptedChatClient().Answer(("answer", "4"));
        var example = Example.Of(("question", "2+2"), ("answer", "4")).WithInputs("question");
        var result = await new Predict("question -> answer").InvokeAsync(example, new RunContext(client));
        Assert.Equal("4", result["answer"]);
        Assert.DoesNotContain("[[ ## answer ## ]]\n4", client.Requests[0].Messages[^1].Text);
    }

    [Fact]
    public async Task Settings_reach_the_client_as_chat_options()
    {
        var client = new ScriptedChatClient().Answer(("answer", "a"));
        var context = new RunContext(client) { Defaults = new CallSettings { Temperature = 0.2f, MaxTokens = 100 } };
        await new Predict("question -> answer") { Name = "qa" }.InvokeAsync(
            new Dictionary<string, object?> { ["question"] = "q" }, context, new CallSettings { Temperature = 0.7f, RolloutId = "r1", Seed = 5 });
        var options = client.Requests[0].Options!;
        Assert.Equal(0.7f, options.Temperature);
        Assert.Equal(100, options.MaxOutputTokens);
        Assert.Equal(5, options.Seed);
        Assert.Equal("r1", options.AdditionalProperties![OptionKeys.RolloutId]);
        Assert.Equal("qa", options.AdditionalProperties[OptionKeys.Predictor]);
        Assert.Null(options.ResponseFormat);
    }

    [Fact]
    public async Task N_completions_are_separate_calls()
    {
        var client = new ScriptedChatClient().Answer(("answer", "a")).Answer(("answer", "b")).Answer(("answer", "c"));
        var result = await new Predict("question -> answer").InvokeAsync(
            new Dictionary<string, object?> { ["question"] = "q" }, new RunContext(client), new CallSettings { N = 3 });
        Assert.Equal(3, result.Completions.Count);
        Assert.Equal(new[] { "a", "b", "c" }.Order(), result.Completions.Select(c => (string)c["answer"]!).Order());
        Assert.Equal([0, 1, 2], client.Requests.Select(r => (int)r.Options!.AdditionalProperties![OptionKeys.CompletionIndex]!).Order());
        Assert.True(result.Usage!.InputTokenCount > 0);
    }

    [Fact]
    public async Task Cancellation_reaches_the_client()
    {
        var client = new ScriptedChatClient { Delay = TimeSpan.FromSeconds(30) }.Answer(("answer", "late"));
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(50));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => new Predict("question -> answer")
            .InvokeAsync(new Dictionary<string, object?> { ["question"] = "q" }, new RunContext(client), cancellationToken: cts.Token));
    }

    [Fact]
    public async Task Demos_are_sent_and_followed()
    {
        var predict = new Predict("question -> answer").WithDemos([
            Example.Of(("question", "2+2"), ("answer", "4")),
            Example.Of(("question", "3+3"), ("answer", "6")),
        ]);
        var client = new ScriptedChatClient().FollowExamples();
        var result = await predict.InvokeAsync(new Dictionary<string, object?> { ["question"] = "3+3" }, new RunContext(client));
        Assert.Equal("6", result["answer"]);
        Assert.Equal(6, client.Requests[0].Messages.Count);
    }

    [Fact]
    public async Task Concurrent_calls_share_one_predictor()
    {
        var client = new ScriptedChatClient();
        for (var i = 0; i < 20; i++)
        {
            client.When($"question {i}?", ("answer", $"answer {i}"));
        }

        var predict = new Predict("question -> answer").WithDemos([Example.Of(("question", "demo"), ("answer", "d"))]);
        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(i =>
            predict.InvokeAsync(new Dictionary<string, object?> { ["question"] = $"question {i}?" }, new RunContext(client))));
        Assert.Equal(Enumerable.Range(0, 20).Select(i => $"answer {i}"), results.Select(r => (string)r["answer"]!));
    }

    [Fact]
    public void Running_or_editing_never_mutates_the_original()
    {
        var predict = new Predict("question -> answer");
        var edited = predict.WithInstructions("Be brief.").WithDemos([Example.Of(("question", "q"), ("answer", "a"))]);
        Assert.Empty(predict.Demos);
        Assert.Equal("Given the fields `question`, produce the fields `answer`.", predict.Signature.Instructions);
        Assert.Single(edited.Demos);
        Assert.Equal("Be brief.", edited.Signature.Instructions);
    }

    private sealed class TwoStep : Module
    {
        public ChainOfThought Generate { get; } = new("question -> query");

        public Predict Answer { get; } = new("question, passages: list[str] -> answer");

        public List<Predict> Extra { get; } = [new("a -> b"), new("c -> d")];
    }

    [Fact]
    public void Named_predictors_follow_dspy_naming()
    {
        Assert.Equal(["generate.predict", "answer", "extra[0]", "extra[1]"], new TwoStep().NamedPredictors().Select(p => p.Name));
        Assert.Equal(["self"], new Predict("a -> b").NamedPredictors().Select(p => p.Name));
        Assert.Equal(["predict"], new ChainOfThought("a -> b").NamedPredictors().Select(p => p.Name));
    }

    [Fact]
    public void Clone_is_deep()
    {
        var program = new TwoStep();
        var copy = (TwoStep)program.Clone();
        Assert.NotSame(program.Answer, copy.Answer);
        Assert.NotSame(program.Generate.Predictor, copy.Generate.Predictor);
        Assert.NotSame(program.Extra[0], copy.Extra[0]);
    }
}
