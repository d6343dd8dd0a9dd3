using Declarative.Testing;
using Declarative.Tools;
using Declarative.Tracing;
using Microsoft.Extensions.AI;
using static Declarative.Runtime.Tests.Modules.AgentTestKit;

namespace Declarative.Runtime.Tests.Modules;

public class ReActTests
{
    [Fact]
    public async Task Calls_the_tool_feeds_the_observation_back_and_extracts_the_answer()
    {
        var adds = new Counter();
        var client = new ScriptedChatClient()
            .Step("I should add.", "add", ("a", "2"), ("b", "3"))
            .Step("I have it.", "finish")
            .Answer(("reasoning", "2 + 3 = 5"), ("answer", "5"));
        var agent = new ReAct("question -> answer", [Add(adds)]);
        var trace = new TraceRecorder();

        var result = (ReActPrediction)await agent.InvokeAsync(Question("What is 2 + 3?"), new RunContext(client) { Trace = trace });

        Assert.Equal("5", result["answer"]);
        Assert.Equal(1, adds.Count);
        Assert.Equal(["thought_0", "tool_name_0", "tool_args_0", "observation_0", "thought_1", "tool_name_1", "tool_args_1", "observation_1"], result.Trajectory.Select(p => p.Key));
        Assert.Equal("5", result.Trajectory[3].Value);
        var decision = Assert.Single(result.ToolDecisions);
        Assert.Equal(ToolOutcome.Succeeded, decision.Outcome);
        Assert.Equal(decision, Assert.Single(trace.ToolDecisions));
        Assert.Equal(["react", "react", "extract.predict"], trace.Entries.Select(e => e.Predictor == agent.React.Signature.Name && e.Signature.TryGetField("next_tool_name", out _) ? "react" : "extract.predict"));

        var requests = client.Requests;
        var system = requests[0].Messages[0].Text;
        Assert.Contains("You are an Agent. In each episode, you will be given the fields `question` as input.", system);
        Assert.Contains("(1) add, whose description is <desc>Adds two integers.</desc>. It takes arguments {", system);
        Assert.Contains("(2) finish, whose description is <desc>Marks the task as complete.", system);
        Assert.Contains("[[ ## observation_0 ## ]]\n5", requests[1].Messages[^1].Text);
        Assert.Contains("[[ ## observation_1 ## ]]\nCompleted.", requests[2].Messages[^1].Text);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task The_trajectory_is_an_untrusted_input_unless_told_otherwise(bool untrusted)
    {
        var client = new ScriptedChatClient()
            .Step("I should add.", "add", ("a", "2"), ("b", "3"))
            .Step("I have it.", "finish")
            .Answer(("reasoning", "2 + 3 = 5"), ("answer", "5"));
        var agent = new ReAct("question -> answer", [Add()], new ReActOptions { UntrustedTrajectory = untrusted });

        await agent.InvokeAsync(Question("What is 2 + 3?"), new RunContext(client));

        Assert.Equal(untrusted, agent.React.Signature["trajectory"].Untrusted);
        Assert.Equal(untrusted, agent.Extract.Signature["trajectory"].Untrusted);
        Assert.False(agent.React.Signature["question"].Untrusted);
        Assert.Equal(3, client.Requests.Count);
        foreach (var request in client.Requests)
        {
            var sent = request.Options?.AdditionalProperties?.TryGetValue(OptionKeys.UntrustedFields, out var names) == true ? names : null;
            if (untrusted)
            {
                Assert.Equal(["trajectory"], Assert.IsType<string[]>(sent));
            }
            else
            {
                Assert.Null(sent);
            }
        }
    }

    [Fact]
    public void Tool_name_is_constrained_and_predictors_are_named_as_in_dspy()
    {
        var agent = new ReAct("question -> answer", [Add(), Search()]);
        var field = agent.React.Signature["next_tool_name"];
        Assert.Equal(TypeKind.Literal, field.Shape.Kind);
        Assert.Equal(["add", "search", "finish"], field.Shape.Choices);
        Assert.Equal(TypeKind.Dictionary, agent.React.Signature["next_tool_args"].Shape.Kind);
        Assert.Equal(["react", "extract.predict"], agent.NamedPredictors().Select(p => p.Name));
        Assert.Equal(["extract.predict", "react"], ProgramState.Capture(agent).Predictors.Keys.Order(StringComparer.Ordinal));
        Assert.True(agent.Extract.Signature.TryGetField("trajectory", out var trajectory) && trajectory.IsInput);
        Assert.Throws<ArgumentException>(() => new ReAct("question -> answer", [Add(), Add()]));
    }

    [Theory]
    [InlineData("chat")]
    [InlineData("json")]
    public async Task The_request_grammar_only_admits_the_tool_names(string format)
    {
        Adapter adapter = format == "json" ? JsonAdapter.Default : ChatAdapter.Default;
        var client = new ScriptedChatClient(adapter)
            .Step("add", "add", ("a", "1"), ("b", "2"))
            .Step("done", "finish")
            .Answer(("reasoning", "r"), ("answer", "3"));

        var result = await new ReAct("question -> answer", [Add()]).InvokeAsync(Question("1+2?"), new RunContext(client) { Adapter = adapter });

        Assert.Equal("3", result["answer"]);
        var grammar = (OutputGrammar)client.Requests[0].Options!.AdditionalProperties![OptionKeys.Grammar]!;
        Assert.True(grammar.TryGetGrammar(out var compiled, out var error), error);
        var gbnf = compiled!.ToGbnf();
        Assert.Contains("add", gbnf);
        Assert.Contains("finish", gbnf);
        Assert.DoesNotContain("search", gbnf);
    }

    [Fact]
    public async Task A_throwing_tool_becomes_an_observation()
    {
        var broken = AIFunctionFactory.Create(string (string city) => throw new InvalidOperationException("weather service down"), "weather");
        var client = new ScriptedChatClient()
            .Step("Check the weather.", "weather", ("city", "Oslo"))
            .Step("It failed; answer anyway.", "finish")
            .Answer(("reasoning", "no data"), ("answer", "unknown"));

        var result = (ReActPrediction)await new ReAct("question -> answer", [broken]).InvokeAsync(Question("Weather in Oslo?"), new RunContext(client));

        Assert.Equal("Execution error in weather: InvalidOperationException: weather service down", result.Trajectory[3].Value);
        Assert.Equal(ToolOutcome.Failed, result.ToolDecisions[0].Outcome);
        Assert.Equal("unknown", result["answer"]);
    }

    [Fact]
    public async Task Stops_after_max_iterations_and_still_extracts()
    {
        var client = new ScriptedChatClient()
            .Step("a", "search", ("query", "x"))
            .Step("b", "search", ("query", "y"))
            .Answer(("reasoning", "enough"), ("answer", "Paris"));
        var searches = new Counter();

        var result = (ReActPrediction)await new ReAct("question -> answer", [Search(searches)], new ReActOptions { MaxIterations = 2 })
            .InvokeAsync(Question("Capital?"), new RunContext(client));

        Assert.Equal(2, searches.Count);
        Assert.Equal("Paris", result["answer"]);
        Assert.Equal(0, client.RemainingAnswers);
        Assert.Equal(3, client.CallCount);
    }

    [Fact]
    public async Task Context_overflow_drops_the_oldest_step_and_retries()
    {
        var scripted = new ScriptedChatClient()
            .Step("first", "search", ("query", "x"))
            .Step("second", "search", ("query", "y"))
            .Step("done", "finish")
            .Answer(("reasoning", "r"), ("answer", "Paris"));
        var overflowing = new OverflowingChatClient(scripted, "[[ ## observation_1 ## ]]", times: 1, "This model's maximum context length is 4096 tokens.");

        var result = (ReActPrediction)await new ReAct("question -> answer", [Search()]).InvokeAsync(Question("Capital?"), new RunContext(overflowing));

        Assert.Equal(1, overflowing.Overflows);
        Assert.Equal(1, result.TruncatedSteps);
        Assert.Equal("thought_1", result.Trajectory[0].Key);
        Assert.Equal("Paris", result["answer"]);
        Assert.DoesNotContain("[[ ## thought_0 ## ]]", scripted.Requests[^1].Messages[^1].Text);
    }

    [Fact]
    public async Task Context_overflow_without_a_step_to_drop_is_a_typed_error()
    {
        var scripted = new ScriptedChatClient().Step("first", "finish");
        var overflowing = new OverflowingChatClient(scripted, "question", times: 10, "context_length_exceeded");

        var error = await Assert.ThrowsAsync<ContextWindowExceededException>(() =>
            new ReAct("question -> answer", [Search()]).InvokeAsync(Question("Capital?"), new RunContext(overflowing)));

        Assert.Contains("no complete step left to drop", error.Message);
        Assert.True(ContextWindowExceededException.IsContextOverflow(new HttpRequestException("x", new InvalidOperationException("Prompt is too long"))));
        Assert.False(ContextWindowExceededException.IsContextOverflow(new InvalidOperationException("rate limited")));
    }

    [Fact]
    public async Task Cancelling_during_a_tool_call_ends_the_run_instead_of_becoming_an_observation()
    {
        using var cts = new CancellationTokenSource();
        var slow = AIFunctionFactory.Create(string (string query, CancellationToken ct) =>
        {
            cts.Cancel();
            ct.ThrowIfCancellationRequested();
            return "never";
        }, "slow");
        var client = new ScriptedChatClient().Step("go", "slow", ("query", "x"));
        var trace = new TraceRecorder();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            new ReAct("question -> answer", [slow]).InvokeAsync(Question("q"), new RunContext(client) { Trace = trace }, cancellationToken: cts.Token));

        Assert.Empty(trace.ToolDecisions);
        Assert.Equal(1, client.CallCount);
    }

    [Fact]
    public async Task Without_validation_the_arguments_reach_the_tool_as_written()
    {
        string? seen = null;
        var echo = AIFunctionFactory.Create((string text) => seen = text, "echo");
        var client = new ScriptedChatClient()
            .Step("echo", "echo", ("text", "hi"), ("extra", "ignored by the tool"))
            .Step("done", "finish")
            .Answer(("reasoning", "r"), ("answer", "hi"));

        var result = (ReActPrediction)await new ReAct("question -> answer", [echo], new ReActOptions { Policy = new Tools.ToolPolicy { ValidateArguments = false } })
            .InvokeAsync(Question("q"), new RunContext(client));

        Assert.Equal("hi", seen);
        Assert.Equal(ToolOutcome.Succeeded, result.ToolDecisions[0].Outcome);
        Assert.Equal("ignored by the tool", result.ToolDecisions[0].Arguments["extra"]);
    }
}
