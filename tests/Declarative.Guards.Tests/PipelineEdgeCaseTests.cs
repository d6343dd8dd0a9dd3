using Declarative.Guards;
using Declarative.Testing;
using Declarative.Tools;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Time.Testing;

using static Declarative.Guards.Tests.GuardedClients;

namespace Declarative.Guards.Tests;

/// <summary>Edge cases of the guard middleware found by a review of the pipeline: each failed before its fix.</summary>
public sealed class PipelineEdgeCaseTests
{
    /// <summary>Sends a request whose model replies <paramref name="reply"/> through a SQL guard with <paramref name="check"/>; returns the one finding of the block.</summary>
    private static async Task<GuardFinding> SqlGuardBlocksAsync(Func<string, (bool Allowed, string? Reason)> check, string reply)
    {
        var options = new GuardOptions();
        options.AdditionalGuards.Add(new SqlOutputGuard(check));
        var lm = new ScriptedChatClient().AnswerRaw(reply);
        var ex = await Assert.ThrowsAsync<GuardException>(() => Build(lm, options).GetResponseAsync([new ChatMessage(ChatRole.User, "Clear the orders")]));
        return Assert.Single(ex.Findings);
    }

    private static (bool, string?) SelectOnly(string sql) => sql.StartsWith("SELECT ", StringComparison.OrdinalIgnoreCase) ? (true, null) : (false, "not a SELECT");

    [Fact]
    public async Task A_streamed_card_followed_by_punctuation_at_the_hold_back_cut_is_redacted_as_a_whole()
    {
        // The card ends at E; the second chunk makes the pending text exactly E + 256 long, so the hold-back cut falls at E.
        var head = "Card: 4111 1111 1111 1111.";
        var filler = " " + string.Join(" ", Enumerable.Repeat("word", 51)); // 255 characters
        Assert.Equal(255, filler.Length);
        var client = Build(new ChunkedChatClient([head, filler]), new GuardOptions()); // default StreamHoldBack = 256

        var streamed = (await client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "hi")]).ToListAsync()).ToChatResponse().Text;
        var whole = (await client.GetResponseAsync([new ChatMessage(ChatRole.User, "hi")])).Text;

        Assert.DoesNotContain("4111 1111 1111", whole, StringComparison.Ordinal); // non-streaming redacts it
        Assert.DoesNotContain("4111 1111 1111", streamed, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_SQL_guard_checks_a_fenced_JSON_reply_as_the_JSON_adapter_reads_it()
    {
        const string reply = "```json\n{\"sql\": \"DELETE FROM orders\"}\n```";
        Assert.Equal("DELETE FROM orders", JsonAdapter.Default.Parse(Signature.Parse("question -> sql"), reply)["sql"]); // what the module runs

        // JsonAdapter.Parse (LenientJson.Parse → CodeFence.Strip) reads sql = "DELETE FROM orders" from this reply.
        Assert.Equal("sql.blocked", (await SqlGuardBlocksAsync(SelectOnly, reply)).Kind);
    }

    [Fact]
    public async Task The_SQL_guard_checks_the_section_the_chat_adapter_reads_not_an_inline_mention()
    {
        // The adapter only takes headers at the start of a line: its sql is "DELETE FROM orders", not the inline mention.
        const string reply = "[[ ## reasoning ## ]]\nI answer in the form [[ ## sql ## ]] SELECT 1 as asked.\n\n[[ ## sql ## ]]\nDELETE FROM orders\n\n[[ ## completed ## ]]";
        Assert.Equal("DELETE FROM orders", ChatAdapter.Default.Parse(Signature.Parse("question -> reasoning, sql"), reply)["sql"]); // what the module runs
        Assert.Equal("sql.blocked", (await SqlGuardBlocksAsync(SelectOnly, reply)).Kind);
    }

    [Fact]
    public async Task The_SQL_guard_does_not_end_the_section_at_a_header_written_inside_the_statement()
    {
        const string reply = "[[ ## sql ## ]]\nSELECT 1 [[ ## note ## ]] ; DELETE FROM orders\n\n[[ ## completed ## ]]";
        Assert.Contains("DELETE FROM orders", (string)ChatAdapter.Default.Parse(Signature.Parse("question -> sql"), reply)["sql"]!); // what the module runs
        Assert.Equal("writes", (await SqlGuardBlocksAsync(sql => sql.Contains("DELETE", StringComparison.OrdinalIgnoreCase) ? (false, "writes") : (true, null), reply)).Reason);
    }

    [Fact]
    public async Task MaxFieldTokens_applies_to_a_message_without_sections()
    {
        var lm = new ScriptedChatClient().AnswerRaw("ok");
        var options = new GuardOptions { MaxFieldTokens = 10 };
        // README: "a message without sections counts as one field, (message)"; 1000 characters = 250 tokens.
        var ex = await Assert.ThrowsAsync<GuardException>(() => Build(lm, options).GetResponseAsync([new ChatMessage(ChatRole.User, string.Join(" ", Enumerable.Repeat("word", 200)))]));
        Assert.Equal("limit.field_tokens", Assert.Single(ex.Findings).Kind);
        Assert.Equal(0, lm.CallCount);
    }

    public static TheoryData<bool> Orders => new() { true, false };

    [Theory]
    [MemberData(nameof(Orders))]
    public async Task A_tool_budget_that_throws_is_recorded_in_the_guard_log_in_either_order(bool guardOutermost)
    {
        var lm = new ScriptedChatClient()
            .AnswerToolCalls(("lookup", new Dictionary<string, object?> { ["city"] = "Paris" }, "c1"))
            .AnswerToolCalls(("lookup", new Dictionary<string, object?> { ["city"] = "Rome" }, "c2"))
            .AnswerRaw("Both sunny.");
        var tools = new List<AITool> { AIFunctionFactory.Create((string city) => $"sunny in {city}", "lookup") };
        var options = new GuardOptions { Log = new GuardLog(), Tools = new ToolPolicy { MaxToolCalls = 1, OnBudgetExceeded = ToolBudgetBehavior.Throw } };
        var client = guardOutermost
            ? new ChatClientBuilder(lm).UseGuards(options).UseFunctionInvocation().Build()
            : new ChatClientBuilder(lm).UseFunctionInvocation().UseGuards(options).Build();

        await Assert.ThrowsAsync<ToolBudgetExceededException>(() => client.GetResponseAsync([new ChatMessage(ChatRole.User, "Weather?")], new ChatOptions { Tools = tools }));

        var logged = Assert.Single(options.Log.Events);
        Assert.Equal(("tool", "tool.budget"), (logged.Stage, Assert.Single(logged.Findings).Kind));
    }

    [Fact]
    public async Task A_streamed_redaction_is_recorded_when_the_consumer_stops_reading_early()
    {
        var key = "sk-proj-" + "Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4z";
        var chunks = new List<string> { $"Your key is {key} ." };
        chunks.AddRange(Enumerable.Repeat(" more text follows here", 40));
        var options = new GuardOptions { Log = new GuardLog() };
        var client = Build(new ChunkedChatClient(chunks), options);

        await foreach (var update in client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "hi")]))
        {
            if (update.Text.Contains("[REDACTED:", StringComparison.Ordinal))
            {
                break; // the caller has what it wanted (FirstAsync, a UI cancel, a parser that is done)
            }
        }

        Assert.NotEmpty(options.Log.Events); // the redaction happened and was delivered, but is never recorded
    }

    [Fact]
    public async Task A_request_cancelled_before_it_is_sent_does_not_use_up_the_rate_limit()
    {
        var lm = new ScriptedChatClient().AnswerRaw("ok");
        var client = Build(lm, new GuardOptions { RequestsPerMinutePerKey = 1, TimeProvider = new FakeTimeProvider() });
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.GetResponseAsync([new ChatMessage(ChatRole.User, "hi")], null, cancelled.Token));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "hi")], null, cancelled.Token).ToListAsync());

        // Neither reached the model, so the key still has its one request of the minute.
        Assert.Equal("ok", (await client.GetResponseAsync([new ChatMessage(ChatRole.User, "hi")])).Text);
        Assert.Equal(1, lm.CallCount);
    }

    [Fact]
    public async Task MaxInputTokens_counts_the_tool_results_the_request_sends_back()
    {
        // An application (or an invoker outside the guard) sends a tool's 10,000-character result back: 2,500 tokens.
        var lm = new ScriptedChatClient().AnswerRaw("ok");
        var options = new GuardOptions { MaxInputTokens = 100 };
        List<ChatMessage> messages =
        [
            new(ChatRole.User, "What does the page say?"),
            new(ChatRole.Assistant, [new FunctionCallContent("c1", "fetch_page")]),
            new(ChatRole.Tool, [new FunctionResultContent("c1", string.Join(" ", Enumerable.Repeat("text", 2000)))]),
        ];

        var ex = await Assert.ThrowsAsync<GuardException>(() => Build(lm, options).GetResponseAsync(messages));

        Assert.Equal("limit.input_tokens", Assert.Single(ex.Findings).Kind);
        Assert.Equal(0, lm.CallCount);
    }
}
