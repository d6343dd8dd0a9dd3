using Declarative.Testing;
using Declarative.Tools;
using Declarative.Tracing;
using Microsoft.Extensions.AI;
using static Declarative.Runtime.Tests.Modules.AgentTestKit;

namespace Declarative.Runtime.Tests.Modules;

public class PlannerAgentTests
{
    private static Dictionary<string, object?> Step(string target, string purpose, params (string Name, object? Value)[] args) =>
        new() { ["target"] = target, ["arguments"] = Args(args), ["purpose"] = purpose };

    private static AIFunction SendMail(Counter sent) => AIFunctionFactory.Create((string to) => { sent.Hit(); return "sent"; }, new AIFunctionFactoryOptions
    {
        Name = "send_mail",
        Description = "Sends an e-mail.",
        AdditionalProperties = new Dictionary<string, object?> { [ToolPolicy.SideEffectsKey] = true },
    });

    [Fact]
    public async Task Routes_steps_to_tools_and_modules_and_passes_results_forward()
    {
        var searches = new Counter();
        var client = new ScriptedChatClient()
            .Answer(("plan", new List<object?>
            {
                Step("search", "find the fact", ("query", "capital of France")),
                Step("summarize", "shorten it", ("text", "Found: {step_1}")),
            }))
            .Answer(("reasoning", "short"), ("summary", "Paris."))
            .Answer(("reasoning", "from step 2"), ("answer", "Paris"));
        var summarize = new RegisteredModule("summarize", "Summarizes a text.", new ChainOfThought("text -> summary"));
        var agent = new PlannerAgent(Signature.Parse("question -> answer"), [Search(searches)], [summarize]);

        var result = (PlannerPrediction)await agent.InvokeAsync(Question("What is the capital of France?"), new RunContext(client));

        Assert.Equal("Paris", result["answer"]);
        Assert.Equal(1, searches.Count);
        Assert.Equal([StepStatus.Completed, StepStatus.Completed], result.Steps.Select(s => s.Status));
        Assert.Equal("Paris is the capital of France.", result.Steps[0].Result);
        Assert.Equal("Found: Paris is the capital of France.", result.Steps[1].Arguments["text"]);
        Assert.Equal("Paris.", result.Steps[1].Result);
        Assert.NotNull(result.Steps[1].Prediction);
        Assert.Equal(["search", "summarize"], result.Plan.Select(s => s.Target));

        var requests = client.Requests;
        Assert.Contains("(1) tool search: Searches the web. Arguments: {", requests[0].Messages[^1].Text);
        Assert.Contains("(2) module summarize: Summarizes a text. Arguments: {\"text\": str}", requests[0].Messages[^1].Text);
        Assert.Contains("[[ ## text ## ]]\nFound: Paris is the capital of France.", requests[1].Messages[^1].Text);
        Assert.Contains("Step 2: summarize", requests[2].Messages[^1].Text);
        Assert.Equal(["executed_steps"], Assert.IsType<string[]>(requests[2].Options!.AdditionalProperties![OptionKeys.UntrustedFields])); // results are data from outside
        Assert.False(requests[0].Options!.AdditionalProperties!.ContainsKey(OptionKeys.UntrustedFields));
        Assert.Equal(["search", "summarize"], agent.Planner.Signature["plan"].Shape.Element!.Properties[0].Shape.Choices);
        Assert.Equal(["plan", "answer.predict", "modules.summarize.predict"], agent.NamedPredictors().Select(p => p.Name));
    }

    [Fact]
    public async Task A_denied_side_effecting_tool_and_a_tool_off_the_allow_list_are_refused_and_recorded()
    {
        var sent = new Counter();
        var searches = new Counter();
        var client = new ScriptedChatClient()
            .Answer(("plan", new List<object?>
            {
                Step("send_mail", "tell the boss", ("to", "boss@example.com")),
                Step("search", "look it up", ("query", "x")),
            }))
            .Answer(("reasoning", "nothing worked"), ("answer", "I could not do it."));
        var policy = new ToolPolicy { AllowedTools = new HashSet<string> { "send_mail" }, ApproveAsync = (_, _) => ValueTask.FromResult(false) };
        var trace = new TraceRecorder();
        var agent = new PlannerAgent(Signature.Parse("question -> answer"), [SendMail(sent), Search(searches)], options: new PlannerOptions { Policy = policy });

        var result = (PlannerPrediction)await agent.InvokeAsync(Question("Mail the boss"), new RunContext(client) { Trace = trace });

        Assert.Equal(0, sent.Count);
        Assert.Equal(0, searches.Count);
        Assert.Equal([StepStatus.Refused, StepStatus.Refused], result.Steps.Select(s => s.Status));
        Assert.Equal([ToolOutcome.Denied, ToolOutcome.NotAllowed], trace.ToolDecisions.Select(d => d.Outcome));
        Assert.Equal(trace.ToolDecisions, result.ToolDecisions);
        var final = client.Requests[^1].Messages[^1].Text;
        Assert.Contains("denied by policy", final);
        Assert.Contains("not on the allow-list", final);
        Assert.Equal("I could not do it.", result["answer"]);
    }

    [Fact]
    public async Task Steps_beyond_the_limit_or_the_tool_budget_are_skipped_visibly()
    {
        var searches = new Counter();
        var client = new ScriptedChatClient()
            .Answer(("plan", new List<object?> { Step("search", "a", ("query", "1")), Step("search", "b", ("query", "2")), Step("search", "c", ("query", "3")) }))
            .Answer(("reasoning", "r"), ("answer", "done"));
        var agent = new PlannerAgent(Signature.Parse("question -> answer"), [Search(searches)],
            options: new PlannerOptions { MaxSteps = 2, Policy = new ToolPolicy { MaxToolCalls = 1 } });

        var result = (PlannerPrediction)await agent.InvokeAsync(Question("q"), new RunContext(client));

        Assert.Equal(1, searches.Count);
        Assert.Equal([StepStatus.Completed, StepStatus.Refused, StepStatus.Skipped], result.Steps.Select(s => s.Status));
        Assert.Equal(ToolOutcome.BudgetExceeded, result.Steps[1].ToolDecision!.Outcome);
        Assert.StartsWith("Skipped: the plan is longer than PlannerOptions.MaxSteps (2)", result.Steps[2].Result);
    }

    [Fact]
    public void Needs_a_tool_or_module_with_unique_names()
    {
        Assert.Throws<ArgumentException>(() => new PlannerAgent(Signature.Parse("q -> a"), []));
        Assert.Throws<ArgumentException>(() => new PlannerAgent(Signature.Parse("q -> a"), [Search()], [new RegisteredModule("search", "dup", new Predict("x -> y"))]));
    }
}
