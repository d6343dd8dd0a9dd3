using static Declarative.Runtime.Tests.Modules.AgentTestKit;

namespace Declarative.Runtime.Tests.Modules;

public class TypedAgentTests
{
    [Fact]
    public async Task A_typed_signature_runs_through_any_invokable_module()
    {
        var client = new Declarative.Testing.ScriptedChatClient()
            .Step("look it up", "search", ("query", "capital of France"))
            .Step("done", "finish")
            .Answer(("reasoning", "the search says so"), ("answer", "Paris"));
        var agent = new ReAct(Signature.For<QA>(), [Search()]);

        var result = await agent.InvokeAsync(new QA { Question = "Capital of France?" }, new RunContext(client));

        Assert.Equal("Paris", result.Value.Answer);
        Assert.Equal("Capital of France?", result.Value.Question);
        var react = Assert.IsType<ReActPrediction>(result.Untyped);
        Assert.Equal("Paris is the capital of France.", react.Trajectory[3].Value);
        Assert.Contains("[[ ## question ## ]]\nCapital of France?", client.Requests[0].Messages[^1].Text);
    }
}
