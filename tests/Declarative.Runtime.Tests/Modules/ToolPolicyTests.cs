using Declarative.Testing;
using Declarative.Tools;
using Declarative.Tracing;
using Microsoft.Extensions.AI;
using static Declarative.Runtime.Tests.Modules.AgentTestKit;

namespace Declarative.Runtime.Tests.Modules;

public class ToolPolicyTests
{
    private static ScriptedChatClient Script(string tool, params (string Name, object? Value)[] args) => new ScriptedChatClient()
        .Step("call it", tool, args)
        .Step("done", "finish")
        .Answer(("reasoning", "r"), ("answer", "a"));

    [Fact]
    public async Task A_tool_not_on_the_allow_list_is_refused_and_recorded()
    {
        var searches = new Counter();
        var policy = new ToolPolicy { AllowedTools = new HashSet<string> { "add" } };
        var trace = new TraceRecorder();

        var result = (ReActPrediction)await new ReAct("question -> answer", [Add(), Search(searches)], new ReActOptions { Policy = policy })
            .InvokeAsync(Question("q"), new RunContext(Script("search", ("query", "x"))) { Trace = trace });

        Assert.Equal(0, searches.Count);
        var decision = Assert.Single(trace.ToolDecisions);
        Assert.Equal(ToolOutcome.NotAllowed, decision.Outcome);
        Assert.False(decision.Invoked);
        Assert.Equal("Refused by policy: tool 'search' is not on the allow-list.", result.Trajectory[3].Value);
    }

    [Fact]
    public async Task Arguments_that_break_the_schema_become_an_observation_and_the_tool_is_not_called()
    {
        var adds = new Counter();
        var result = (ReActPrediction)await new ReAct("question -> answer", [Add(adds)])
            .InvokeAsync(Question("q"), new RunContext(Script("add", ("a", "two"), ("c", "3"))));

        Assert.Equal(0, adds.Count);
        var decision = Assert.Single(result.ToolDecisions);
        Assert.Equal(ToolOutcome.InvalidArguments, decision.Outcome);
        Assert.Contains("argument 'a': expected integer, got 'two'", decision.Observation);
        Assert.Contains("'c' is not an argument of add; it takes a, b", decision.Observation);
        Assert.Contains("the required argument 'b' is missing", decision.Observation);
    }

    [Fact]
    public async Task String_arguments_are_converted_to_the_schema_types()
    {
        var result = (ReActPrediction)await new ReAct("question -> answer", [Add()])
            .InvokeAsync(Question("q"), new RunContext(Script("add", ("a", "40"), ("b", "2"))));

        Assert.Equal("42", result.ToolDecisions[0].Observation);
    }

    [Fact]
    public async Task A_side_effecting_tool_without_approval_is_denied()
    {
        var sent = new Counter();
        var send = AIFunctionFactory.Create((string to) => { sent.Hit(); return "sent"; }, new AIFunctionFactoryOptions
        {
            Name = "send_mail",
            AdditionalProperties = new Dictionary<string, object?> { [ToolPolicy.SideEffectsKey] = true },
        });
        var policy = new ToolPolicy { ApproveAsync = (request, _) => ValueTask.FromResult(request.Arguments["to"]?.ToString() == "boss@example.com") };

        var denied = (ReActPrediction)await new ReAct("question -> answer", [send], new ReActOptions { Policy = policy })
            .InvokeAsync(Question("q"), new RunContext(Script("send_mail", ("to", "everyone@example.com"))));
        var approved = (ReActPrediction)await new ReAct("question -> answer", [send], new ReActOptions { Policy = policy })
            .InvokeAsync(Question("q"), new RunContext(Script("send_mail", ("to", "boss@example.com"))));
        var noApprover = (ReActPrediction)await new ReAct("question -> answer", [send])
            .InvokeAsync(Question("q"), new RunContext(Script("send_mail", ("to", "boss@example.com"))));

        Assert.Equal(ToolOutcome.Denied, denied.ToolDecisions[0].Outcome);
        Assert.Contains("denied by policy", denied.Trajectory[3].Value);
        Assert.Equal(ToolOutcome.Succeeded, approved.ToolDecisions[0].Outcome);
        Assert.Equal(ToolOutcome.Denied, noApprover.ToolDecisions[0].Outcome);
        Assert.Equal(1, sent.Count);
    }

    [Fact]
    public async Task Side_effects_can_be_declared_in_the_policy()
    {
        var adds = new Counter();
        var policy = new ToolPolicy { SideEffectTools = new HashSet<string> { "add" } };
        Assert.True(policy.HasSideEffects(Add()));
        Assert.False(policy.HasSideEffects(Search()));
        var result = (ReActPrediction)await new ReAct("question -> answer", [Add(adds)], new ReActOptions { Policy = policy })
            .InvokeAsync(Question("q"), new RunContext(Script("add", ("a", "1"), ("b", "2"))));
        Assert.Equal(ToolOutcome.Denied, result.ToolDecisions[0].Outcome);
        Assert.Equal(0, adds.Count);
    }

    [Fact]
    public async Task Budget_exceeded_finishes_the_loop_by_default()
    {
        var searches = new Counter();
        var client = new ScriptedChatClient()
            .Step("1", "search", ("query", "a"))
            .Step("2", "search", ("query", "b"))
            .Answer(("reasoning", "r"), ("answer", "Paris"));
        var result = (ReActPrediction)await new ReAct("question -> answer", [Search(searches)], new ReActOptions { Policy = new ToolPolicy { MaxToolCalls = 1 } })
            .InvokeAsync(Question("q"), new RunContext(client));

        Assert.Equal(1, searches.Count);
        Assert.Equal([ToolOutcome.Succeeded, ToolOutcome.BudgetExceeded], result.ToolDecisions.Select(d => d.Outcome));
        Assert.Equal("Paris", result["answer"]);
        Assert.Equal(3, client.CallCount);
    }

    [Fact]
    public async Task Budget_exceeded_throws_when_the_policy_says_so()
    {
        var client = new ScriptedChatClient().Step("1", "search", ("query", "a"));
        var trace = new TraceRecorder();
        var policy = new ToolPolicy { MaxToolCalls = 0, OnBudgetExceeded = ToolBudgetBehavior.Throw };

        var error = await Assert.ThrowsAsync<ToolBudgetExceededException>(() =>
            new ReAct("question -> answer", [Search()], new ReActOptions { Policy = policy }).InvokeAsync(Question("q"), new RunContext(client) { Trace = trace }));

        Assert.Equal(0, error.Limit);
        Assert.Equal("search", error.Tool);
        Assert.Equal(ToolOutcome.BudgetExceeded, Assert.Single(trace.ToolDecisions).Outcome);
    }

    [Fact]
    public void Bad_policies_are_rejected_when_the_agent_is_built()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new ReAct("q -> a", [Add()], new ReActOptions { Policy = new ToolPolicy { MaxToolCalls = -1 } }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ReAct("q -> a", [Add()], new ReActOptions { MaxIterations = 0 }));
        Assert.Throws<ArgumentException>(() => new ReAct("q -> a", [Add()], new ReActOptions { Policy = new ToolPolicy { AllowedTools = new HashSet<string> { " " } } }));
    }
}
