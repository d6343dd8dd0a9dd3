using Declarative.Guards;
using Declarative.Testing;
using Declarative.Tools;
using Microsoft.Extensions.AI;

namespace Declarative.Guards.Tests;

/// <summary>
/// GuardOptions.Tools with Microsoft.Extensions.AI's FunctionInvokingChatClient on either side of UseGuards: inside
/// (the guard is added first, so it is outermost and wraps the request's tools) and outside (the guard checks each
/// completion's tool calls before the invoker sees them).
/// </summary>
public sealed class ToolGuardTests
{
    private readonly Dictionary<string, int> ran = new(StringComparer.Ordinal);
    private readonly List<AITool> tools;

    public ToolGuardTests() => tools =
    [
        AIFunctionFactory.Create((string city) => Ran("lookup", $"sunny in {city}"), "lookup"),
        AIFunctionFactory.Create(() => Ran("delete_all", "deleted"), "delete_all"),
        AIFunctionFactory.Create((string to) => Ran("send_mail", $"sent to {to}"), "send_mail"),
    ];

    public static TheoryData<bool> Orders => new() { true, false };

    private static ChatMessage User(string text) => new(ChatRole.User, text);

    private static (string, IDictionary<string, object?>?, string) Call(string name, string callId, string? city = null) =>
        (name, city is null ? null : new Dictionary<string, object?> { ["city"] = city }, callId);

    [Theory]
    [MemberData(nameof(Orders))]
    public async Task A_tool_off_the_allow_list_never_runs_and_the_model_is_told_why(bool guardOutermost)
    {
        var lm = new ScriptedChatClient()
            .AnswerToolCalls(Call("delete_all", "c1"))
            .AnswerToolCalls(Call("lookup", "c2", "Paris"))
            .AnswerRaw("It is sunny in Paris.");
        var options = new GuardOptions { Log = new GuardLog(), Tools = new ToolPolicy { AllowedTools = new HashSet<string> { "lookup" } } };
        var chatOptions = new ChatOptions { Tools = tools };

        var response = await Build(lm, options, guardOutermost).GetResponseAsync([User("Weather in Paris?")], chatOptions);

        Assert.Equal("It is sunny in Paris.", response.Text);
        Assert.False(ran.ContainsKey("delete_all"));
        Assert.Equal(1, ran["lookup"]);
        Assert.Same(tools, chatOptions.Tools);
        var refusal = Assert.Single(lm.Requests[1].Messages.SelectMany(m => m.Contents).OfType<FunctionResultContent>());
        Assert.Equal("c1", refusal.CallId);
        Assert.Contains("not on the allow-list", refusal.Result?.ToString(), StringComparison.Ordinal);
        Assert.Contains(lm.Requests[2].Messages.SelectMany(m => m.Contents).OfType<FunctionResultContent>(), r => r.CallId == "c2" && r.Result?.ToString() == "sunny in Paris");
        var logged = Assert.Single(options.Log.Events);
        Assert.Equal(("tool", GuardAction.Flag), (logged.Stage, logged.Action));
        Assert.Equal(("tool.not_allowed", "delete_all"), (Assert.Single(logged.Findings).Kind, logged.Findings[0].Field));
    }

    [Theory]
    [MemberData(nameof(Orders))]
    public async Task Arguments_that_do_not_match_the_schema_are_refused_before_the_tool_runs(bool guardOutermost)
    {
        var lm = new ScriptedChatClient()
            .AnswerToolCalls(("lookup", new Dictionary<string, object?> { ["town"] = "Paris" }, "c1"))
            .AnswerRaw("I could not look it up.");
        var options = new GuardOptions { Log = new GuardLog(), Tools = new ToolPolicy() };

        await Build(lm, options, guardOutermost).GetResponseAsync([User("Weather?")], new ChatOptions { Tools = tools });

        Assert.False(ran.ContainsKey("lookup"));
        var refusal = Assert.Single(lm.Requests[1].Messages.SelectMany(m => m.Contents).OfType<FunctionResultContent>());
        Assert.Contains("the required argument 'city' is missing", refusal.Result?.ToString(), StringComparison.Ordinal);
        var finding = Assert.Single(Assert.Single(options.Log.Events).Findings);
        Assert.Equal("tool.invalid_arguments", finding.Kind);
        Assert.DoesNotContain("Paris", finding.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Orders))]
    public async Task Side_effecting_tools_run_only_when_the_approver_says_yes(bool guardOutermost)
    {
        var asked = new List<string>();
        var lm = new ScriptedChatClient()
            .AnswerToolCalls(("send_mail", new Dictionary<string, object?> { ["to"] = "attacker@evil.test" }, "c1"))
            .AnswerToolCalls(("send_mail", new Dictionary<string, object?> { ["to"] = "ada@example.com" }, "c2"))
            .AnswerRaw("Sent.");
        var policy = new ToolPolicy
        {
            SideEffectTools = new HashSet<string> { "send_mail" },
            ApproveAsync = (request, _) =>
            {
                var to = request.Arguments["to"]?.ToString() ?? "";
                asked.Add(to);
                return ValueTask.FromResult(to.EndsWith("@example.com", StringComparison.Ordinal));
            },
        };
        var options = new GuardOptions { Log = new GuardLog(), Tools = policy };

        await Build(lm, options, guardOutermost).GetResponseAsync([User("Mail Ada")], new ChatOptions { Tools = tools });

        Assert.Equal(["attacker@evil.test", "ada@example.com"], asked);
        Assert.Equal(1, ran["send_mail"]);
        Assert.Equal("tool.denied", Assert.Single(Assert.Single(options.Log.Events).Findings).Kind);
    }

    [Theory]
    [MemberData(nameof(Orders))]
    public async Task The_budget_counts_the_calls_of_one_user_turn_and_the_next_turn_starts_afresh(bool guardOutermost)
    {
        var lm = new ScriptedChatClient()
            .AnswerToolCalls(Call("lookup", "c1", "Paris"))
            .AnswerToolCalls(Call("lookup", "c2", "Rome"))
            .AnswerToolCalls(Call("lookup", "c3", "Oslo"))
            .AnswerRaw("Paris and Rome are sunny.")
            .AnswerToolCalls(Call("lookup", "c4", "Lima"))
            .AnswerRaw("Lima is sunny.");
        var options = new GuardOptions { Log = new GuardLog(), Tools = new ToolPolicy { MaxToolCalls = 2 } };
        var client = Build(lm, options, guardOutermost);
        List<ChatMessage> history = [User("Weather in Paris, Rome and Oslo?")];

        var first = await client.GetResponseAsync(history, new ChatOptions { Tools = tools });
        Assert.Equal(2, ran["lookup"]);
        var refusal = lm.Requests[3].Messages.SelectMany(m => m.Contents).OfType<FunctionResultContent>().Single(r => r.CallId == "c3");
        Assert.Contains("used all 2 tool calls", refusal.Result?.ToString(), StringComparison.Ordinal);
        Assert.Equal("tool.budget", Assert.Single(Assert.Single(options.Log.Events).Findings).Kind);

        history.AddRange(first.Messages);
        history.Add(User("And Lima?"));
        await client.GetResponseAsync(history, new ChatOptions { Tools = tools });
        Assert.Equal(3, ran["lookup"]);
        Assert.Single(options.Log.Events);
    }

    [Theory]
    [MemberData(nameof(Orders))]
    public async Task Block_ends_the_tool_loop_with_a_guard_exception(bool guardOutermost)
    {
        var lm = new ScriptedChatClient()
            .AnswerToolCalls(Call("delete_all", "c1"))
            .AnswerRaw("Deleted.");
        var options = new GuardOptions { Log = new GuardLog(), ToolAction = GuardAction.Block, Tools = new ToolPolicy { AllowedTools = new HashSet<string> { "lookup" } } };

        var ex = await Assert.ThrowsAsync<GuardException>(() => Build(lm, options, guardOutermost).GetResponseAsync([User("Clean up")], new ChatOptions { Tools = tools }));

        Assert.Equal("tool", ex.Stage);
        Assert.Equal("tool.not_allowed", Assert.Single(ex.Findings).Kind);
        Assert.Contains("ToolPolicy.AllowedTools", ex.Message, StringComparison.Ordinal);
        Assert.False(ran.ContainsKey("delete_all"));
        Assert.Equal(1, lm.CallCount);
        Assert.Equal(GuardAction.Block, Assert.Single(options.Log.Events).Action);
    }

    [Theory]
    [MemberData(nameof(Orders))]
    public async Task Streamed_tool_calls_are_checked_in_either_order(bool guardOutermost)
    {
        var lm = new ScriptedChatClient()
            .AnswerToolCalls(Call("delete_all", "c1"), Call("lookup", "c2", "Paris"))
            .AnswerRaw("It is sunny in Paris.");
        var options = new GuardOptions { Log = new GuardLog(), Tools = new ToolPolicy { AllowedTools = new HashSet<string> { "lookup" } } };

        var updates = await Build(lm, options, guardOutermost).GetStreamingResponseAsync([User("Weather?")], new ChatOptions { Tools = tools }).ToListAsync();

        Assert.False(ran.ContainsKey("delete_all"));
        Assert.Equal(1, ran["lookup"]);
        Assert.Equal("It is sunny in Paris.", updates.ToChatResponse().Text);
        var results = lm.Requests[1].Messages.SelectMany(m => m.Contents).OfType<FunctionResultContent>().ToDictionary(r => r.CallId, r => r.Result?.ToString());
        Assert.Contains("not on the allow-list", results["c1"], StringComparison.Ordinal);
        Assert.Equal("sunny in Paris", results["c2"]);
        Assert.Equal("tool.not_allowed", Assert.Single(Assert.Single(options.Log.Events).Findings).Kind);
    }

    [Theory]
    [MemberData(nameof(Orders))]
    public async Task A_budget_that_throws_ends_the_run_with_its_exception(bool guardOutermost)
    {
        var lm = new ScriptedChatClient()
            .AnswerToolCalls(Call("lookup", "c1", "Paris"))
            .AnswerToolCalls(Call("lookup", "c2", "Rome"))
            .AnswerRaw("Both sunny.");
        var options = new GuardOptions { Tools = new ToolPolicy { MaxToolCalls = 1, OnBudgetExceeded = ToolBudgetBehavior.Throw } };

        var ex = await Assert.ThrowsAsync<ToolBudgetExceededException>(() => Build(lm, options, guardOutermost).GetResponseAsync([User("Weather?")], new ChatOptions { Tools = tools }));

        Assert.Equal((1, "lookup"), (ex.Limit, ex.Tool));
        Assert.Equal(1, ran["lookup"]);
        Assert.Equal(2, lm.CallCount);
    }

    [Theory]
    [MemberData(nameof(Orders))]
    public async Task A_stream_whose_calls_are_all_refused_goes_on_with_the_refusals_shown(bool guardOutermost)
    {
        var lm = new ScriptedChatClient()
            .AnswerToolCalls(Call("delete_all", "c1"))
            .AnswerRaw("I may not delete anything.");
        var options = new GuardOptions { Log = new GuardLog(), Tools = new ToolPolicy { AllowedTools = new HashSet<string> { "lookup" } } };

        var updates = await Build(lm, options, guardOutermost).GetStreamingResponseAsync([User("Delete it all")], new ChatOptions { Tools = tools }).ToListAsync();

        Assert.Empty(ran);
        Assert.Equal(2, lm.CallCount);
        Assert.Equal("I may not delete anything.", updates.ToChatResponse().Text);
        Assert.Equal("c1", Assert.Single(lm.Requests[1].Messages.SelectMany(m => m.Contents).OfType<FunctionResultContent>()).CallId);
        Assert.Equal("tool.not_allowed", Assert.Single(Assert.Single(options.Log.Events).Findings).Kind);
    }

    [Fact]
    public async Task Without_an_invoker_a_completion_of_refused_calls_only_is_asked_again_up_to_the_round_limit()
    {
        var lm = new ScriptedChatClient()
            .AnswerToolCalls(Call("delete_all", "c1"))
            .AnswerToolCalls(Call("delete_all", "c2"))
            .AnswerRaw("Fine, I will not.");
        var options = new GuardOptions { Log = new GuardLog(), ToolRefusalRounds = 1, Tools = new ToolPolicy { AllowedTools = new HashSet<string> { "lookup" } } };

        var response = await new ChatClientBuilder(lm).UseGuards(options).Build().GetResponseAsync([User("Delete it all")], new ChatOptions { Tools = tools });

        Assert.Equal(2, lm.CallCount);
        Assert.Equal([ChatRole.Assistant, ChatRole.Tool, ChatRole.Assistant, ChatRole.Tool], response.Messages.Select(m => m.Role));
        Assert.All(response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>(), c => Assert.True(c.InformationalOnly));
        Assert.Equal(2, options.Log.Events.Count);
        Assert.Equal(1, lm.RemainingAnswers);
    }

    [Fact]
    public async Task Without_an_invoker_declaration_only_tools_are_checked_by_the_policy_not_refused_as_unknown()
    {
        // An application that runs its tools itself declares them (AIFunctionDeclaration, no implementation).
        List<AITool> declared =
        [
            AIFunctionFactory.Create((string city) => city, "lookup").AsDeclarationOnly(),
            AIFunctionFactory.Create((string to) => to, "send_mail").AsDeclarationOnly(),
        ];
        var lm = new ScriptedChatClient().AnswerToolCalls(Call("lookup", "c1", "Paris"), ("send_mail", new Dictionary<string, object?> { ["to"] = "ada@example.com" }, "c2"));
        var options = new GuardOptions { Log = new GuardLog(), ToolRefusalRounds = 0, Tools = new ToolPolicy { SideEffectTools = new HashSet<string> { "send_mail" } } };

        var response = await new ChatClientBuilder(lm).UseGuards(options).Build().GetResponseAsync([User("Weather, then mail Ada")], new ChatOptions { Tools = declared });

        var calls = response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>().ToDictionary(c => c.CallId);
        Assert.False(calls["c1"].InformationalOnly); // allowed: the application runs it
        Assert.True(calls["c2"].InformationalOnly); // side effects and no approver: denied, as for an AIFunction
        Assert.Equal(("tool.denied", "send_mail"), (Assert.Single(Assert.Single(options.Log.Events).Findings).Kind, options.Log.Events[0].Findings[0].Field));
    }

    [Fact]
    public async Task Without_an_invoker_refused_calls_come_back_answered_and_marked_informational()
    {
        var lm = new ScriptedChatClient().AnswerToolCalls(Call("delete_all", "c1"), Call("lookup", "c2", "Paris"), Call("wipe_disk", "c3"));
        var options = new GuardOptions { Log = new GuardLog(), Tools = new ToolPolicy { AllowedTools = new HashSet<string> { "lookup" } } };

        var response = await new ChatClientBuilder(lm).UseGuards(options).Build().GetResponseAsync([User("Weather?")], new ChatOptions { Tools = tools });

        var calls = response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>().ToDictionary(c => c.CallId);
        Assert.True(calls["c1"].InformationalOnly);
        Assert.False(calls["c2"].InformationalOnly);
        Assert.True(calls["c3"].InformationalOnly);
        var answered = Assert.Single(response.Messages, m => m.Role == ChatRole.Tool).Contents.OfType<FunctionResultContent>().Select(r => r.CallId);
        Assert.Equal(["c1", "c3"], answered);
        Assert.Equal(["tool.not_allowed", "tool.unknown"], Assert.Single(options.Log.Events).Findings.Select(f => f.Kind));
        Assert.Empty(ran);
    }

    [Fact]
    public void Tool_settings_are_validated_when_the_pipeline_is_built()
    {
        var builder = new ChatClientBuilder(new ScriptedChatClient());
        Assert.Contains("GuardOptions.ToolAction", Assert.Throws<ArgumentException>(() => builder.UseGuards(new GuardOptions { ToolAction = GuardAction.Redact })).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => builder.UseGuards(new GuardOptions { Tools = new ToolPolicy { MaxToolCalls = -1 } }));
    }

    private static IChatClient Build(IChatClient lm, GuardOptions options, bool guardOutermost) => guardOutermost
        ? new ChatClientBuilder(lm).UseGuards(options).UseFunctionInvocation().Build()
        : new ChatClientBuilder(lm).UseFunctionInvocation().UseGuards(options).Build();

    private string Ran(string tool, string result)
    {
        lock (ran)
        {
            ran[tool] = ran.GetValueOrDefault(tool) + 1;
        }

        return result;
    }
}
