using Microsoft.Extensions.AI;

using static Declarative.Guards.Tests.GuardedClients;

namespace Declarative.Guards.Tests;

/// <summary>
/// A reasoning model's visible reasoning (<see cref="TextReasoningContent"/>) goes through the output guard like its
/// answer text: each test failed before the fix (reasoning passed through unscanned).
/// </summary>
public sealed class ReasoningOutputTests
{
    private static ChatResponse Thought(string reasoning, string answer = "The answer is 42.") =>
        new(new ChatMessage(ChatRole.Assistant, [new TextReasoningContent(reasoning), new TextContent(answer)]));

    private static Task<ChatResponse> AskAsync(IChatClient client) => client.GetResponseAsync([new ChatMessage(ChatRole.User, "hi")]);

    private static ChatResponseUpdate Reasoning(string text, string? protectedData = null) =>
        new(ChatRole.Assistant, [new TextReasoningContent(text) { ProtectedData = protectedData }]) { ResponseId = "r1", MessageId = "m1" };

    private static ChatResponseUpdate Answer(string text) => new(ChatRole.Assistant, text) { ResponseId = "r1", MessageId = "m1" };

    private static string ReasoningOf(IEnumerable<AIContent> contents) => string.Concat(contents.OfType<TextReasoningContent>().Select(r => r.Text));

    [Fact]
    public async Task A_key_in_non_streamed_reasoning_is_redacted_and_recorded_as_an_output_finding()
    {
        var log = new GuardLog();
        var response = await AskAsync(Build(new FixedChatClient(Thought($"The config holds {Key}, so I will not repeat it.")), new GuardOptions { Log = log }));

        var contents = Assert.Single(response.Messages).Contents;
        Assert.Equal("The config holds [REDACTED:secret.openai], so I will not repeat it.", Assert.IsType<TextReasoningContent>(contents[0]).Text);
        Assert.Equal("The answer is 42.", Assert.IsType<TextContent>(contents[1]).Text);
        var logged = Assert.Single(log.Events);
        Assert.Equal(("output", GuardAction.Redact), (logged.Stage, logged.Action));
        var finding = Assert.Single(logged.Findings);
        Assert.Equal(("secret.openai", "(reasoning)", 17, Key.Length), (finding.Kind, finding.Field, finding.Start, finding.Length));
    }

    [Fact]
    public async Task A_redacted_message_and_its_response_lose_the_providers_raw_object_and_a_clean_one_keeps_it()
    {
        var raw = new { text = $"Use {Key} here." };
        var dirty = new ChatMessage(ChatRole.Assistant, $"Use {Key} here.") { RawRepresentation = raw };
        var clean = new ChatMessage(ChatRole.Assistant, "Nothing to hide.") { RawRepresentation = raw };
        var inner = new FixedChatClient(new ChatResponse([dirty, clean]) { RawRepresentation = raw });

        var response = await AskAsync(Build(inner, new GuardOptions()));

        Assert.Equal("Use [REDACTED:secret.openai] here.", response.Messages[0].Text);
        Assert.Null(response.Messages[0].RawRepresentation);
        Assert.Null(response.RawRepresentation);
        Assert.Same(raw, response.Messages[1].RawRepresentation);
    }

    [Fact]
    public async Task Under_Flag_the_providers_raw_objects_are_kept()
    {
        var raw = new object();
        var inner = new FixedChatClient(new ChatResponse(new ChatMessage(ChatRole.Assistant, $"Use {Key} here.") { RawRepresentation = raw }) { RawRepresentation = raw });

        var response = await AskAsync(Build(inner, new GuardOptions { OutputAction = GuardAction.Flag }));

        Assert.Same(raw, response.Messages[0].RawRepresentation);
        Assert.Same(raw, response.RawRepresentation);
    }

    [Fact]
    public async Task Streamed_updates_with_text_lose_the_providers_raw_object_and_others_keep_it()
    {
        var raw = new object();
        ChatResponseUpdate WithRaw(ChatResponseUpdate update)
        {
            update.RawRepresentation = raw;
            return update;
        }

        var usage = WithRaw(new ChatResponseUpdate(ChatRole.Assistant, [new UsageContent(new UsageDetails { TotalTokenCount = 3 })]) { ResponseId = "r1", MessageId = "m1" });
        var updates = await StreamAsync(Build(new FixedChatClient(updates: [WithRaw(Reasoning("thinking")), WithRaw(Answer("Use sk-proj-Ab3dEf6h")), WithRaw(Answer("Ij9kLm2nOp5qRs8tUv1wXy4z here.")), usage]), new GuardOptions()));

        Assert.Equal("Use [REDACTED:secret.openai] here.", updates.ToChatResponse().Text);
        // Every update that came from one with text, released text or not, has dropped the raw object; the usage keeps it.
        var kept = Assert.Single(updates, u => u.RawRepresentation is not null);
        Assert.Same(raw, kept.RawRepresentation);
        Assert.IsType<UsageContent>(Assert.Single(kept.Contents));
    }

    [Fact]
    public async Task A_key_in_non_streamed_reasoning_blocks_the_completion_under_Block()
    {
        var ex = await Assert.ThrowsAsync<GuardException>(() => AskAsync(Build(new FixedChatClient(Thought($"Use {Key} here.")), new GuardOptions { OutputAction = GuardAction.Block })));

        Assert.Equal("output", ex.Stage);
        Assert.Equal("secret.openai", Assert.Single(ex.Findings).Kind);
        Assert.DoesNotContain("Ab3d", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_key_in_non_streamed_reasoning_is_flagged_and_left_unchanged_under_Flag()
    {
        var log = new GuardLog();
        var response = await AskAsync(Build(new FixedChatClient(Thought($"Use {Key} here.")), new GuardOptions { OutputAction = GuardAction.Flag, Log = log }));

        Assert.Equal($"Use {Key} here.", ReasoningOf(response.Messages[0].Contents));
        var logged = Assert.Single(log.Events);
        Assert.Equal(("output", GuardAction.Flag), (logged.Stage, logged.Action));
        Assert.Equal("secret.openai", Assert.Single(logged.Findings).Kind);
    }

    [Fact]
    public async Task Redacted_reasoning_keeps_its_protected_data_and_additional_properties()
    {
        var reasoning = new TextReasoningContent($"Use {Key} here.") { ProtectedData = "opaque-signature==", AdditionalProperties = new() { ["item_id"] = "rs_1" } };
        var inner = new FixedChatClient(new ChatResponse(new ChatMessage(ChatRole.Assistant, [reasoning, new TextContent("Done.")])));

        var response = await AskAsync(Build(inner, new GuardOptions()));

        var redacted = Assert.IsType<TextReasoningContent>(response.Messages[0].Contents[0]);
        Assert.Equal("Use [REDACTED:secret.openai] here.", redacted.Text);
        Assert.Equal("opaque-signature==", redacted.ProtectedData);
        Assert.Equal("rs_1", redacted.AdditionalProperties?["item_id"]);
    }

    [Fact]
    public async Task A_key_split_across_two_streamed_reasoning_updates_is_redacted_whole()
    {
        var updates = await StreamAsync(Build(
            new FixedChatClient(updates: [Reasoning("The key is sk-proj-Ab3dEf6hIj9k"), Reasoning("Lm2nOp5qRs8tUv1wXy4z, keep it secret. "), Answer("Done.")]),
            new GuardOptions { StreamHoldBack = 0 }));

        var released = updates.SelectMany(u => u.Contents).OfType<TextReasoningContent>().Select(r => r.Text).ToList();
        Assert.Equal("The key is [REDACTED:secret.openai], keep it secret. ", string.Concat(released));
        Assert.DoesNotContain(released, r => r.Contains("sk-proj", StringComparison.Ordinal) || r.Contains("Lm2n", StringComparison.Ordinal));
        Assert.Equal("Done.", updates.ToChatResponse().Text);
    }

    [Fact]
    public async Task A_key_split_across_streamed_reasoning_updates_blocks_before_any_of_it_is_released()
    {
        var blocking = Build(
            new FixedChatClient(updates: [Reasoning("The key is sk-proj-Ab3dEf6hIj9k"), Reasoning("Lm2nOp5qRs8tUv1wXy4z, keep it secret. "), Answer("Done.")]),
            new GuardOptions { OutputAction = GuardAction.Block, StreamHoldBack = 0 });
        var released = new List<AIContent>();

        var ex = await Assert.ThrowsAsync<GuardException>(async () =>
        {
            await foreach (var update in blocking.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "hi")]))
            {
                released.AddRange(update.Contents);
            }
        });

        var finding = Assert.Single(ex.Findings);
        Assert.Equal(("secret.openai", "(reasoning)", 11), (finding.Kind, finding.Field, finding.Start)); // offset into the reasoning
        Assert.DoesNotContain("sk-proj", ReasoningOf(released), StringComparison.Ordinal);
        Assert.DoesNotContain("Lm2n", ReasoningOf(released), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Interleaved_reasoning_and_answer_text_keep_their_kinds_and_order()
    {
        // The key is split across two reasoning updates; reasoning and answer text alternate after it. Each channel is held
        // back in its own buffer, and a channel's held text goes out before the other channel's next text.
        var updates = await StreamAsync(Build(
            new FixedChatClient(updates:
            [
                Reasoning("First I look up sk-proj-Ab3dEf6hIj9k"),
                Reasoning("Lm2nOp5qRs8tUv1wXy4z for you. "),
                Answer("Hello "),
                Answer("there, "),
                Reasoning("Then I check it. "),
                Answer("the answer is 42."),
            ]),
            new GuardOptions { StreamHoldBack = 4 }));

        var runs = new List<(string Kind, string Text)>();
        foreach (var content in updates.SelectMany(u => u.Contents))
        {
            var (kind, text) = content switch
            {
                TextReasoningContent r => ("reasoning", r.Text),
                TextContent t => ("text", t.Text),
                _ => (content.GetType().Name, string.Empty),
            };
            if (runs.Count > 0 && runs[^1].Kind == kind)
            {
                runs[^1] = (kind, runs[^1].Text + text);
            }
            else
            {
                runs.Add((kind, text));
            }
        }

        Assert.Equal(
            [("reasoning", "First I look up [REDACTED:secret.openai] for you. "), ("text", "Hello there, "), ("reasoning", "Then I check it. "), ("text", "the answer is 42.")],
            runs);
        var message = Assert.Single(updates.ToChatResponse().Messages);
        Assert.Equal(["TextReasoningContent", "TextContent", "TextReasoningContent", "TextContent"], message.Contents.Select(c => c.GetType().Name));
    }

    [Fact]
    public async Task Streamed_reasoning_keeps_its_protected_data_when_redacted()
    {
        var updates = await StreamAsync(Build(
            new FixedChatClient(updates: [Reasoning("The key is sk-proj-Ab3dEf6hIj9k"), Reasoning("Lm2nOp5qRs8tUv1wXy4z, keep it "), Reasoning("secret.", protectedData: "opaque-signature=="), Answer("Done.")]),
            new GuardOptions()));

        var message = Assert.Single(updates.ToChatResponse().Messages);
        var reasoning = Assert.Single(message.Contents.OfType<TextReasoningContent>());
        Assert.Equal("The key is [REDACTED:secret.openai], keep it secret.", reasoning.Text);
        Assert.Equal("opaque-signature==", reasoning.ProtectedData);
        Assert.Equal("Done.", message.Text);
    }

    /// <summary>Returns a fixed completion, or streams fixed updates.</summary>
    [Fact]
    public async Task An_update_that_switches_from_reasoning_to_answer_does_not_release_the_start_of_the_answer_as_whole()
    {
        // One update ends the reasoning and starts the answer; the answer's key goes on in the next update. The answer is
        // not closed by that update (before the fix it was released in full there, the key's first half with it).
        var switched = new ChatResponseUpdate(ChatRole.Assistant, [new TextReasoningContent("I will answer."), new TextContent("Your key is sk-proj-Ab3dEf6h")]) { ResponseId = "r1", MessageId = "m1" };
        var updates = await StreamAsync(Build(new FixedChatClient(updates: [Reasoning("Thinking. "), switched, Answer("Ij9kLm2nOp5qRs8tUv1wXy4z here.")]), new GuardOptions { StreamHoldBack = 64 }));

        Assert.DoesNotContain(updates, u => u.Text.Contains("sk-proj", StringComparison.Ordinal));
        Assert.Equal("Your key is [REDACTED:secret.openai] here.", updates.ToChatResponse().Text);
    }

    [Fact]
    public async Task Reasoning_held_back_is_released_before_an_update_that_starts_with_answer_text_and_goes_on_reasoning()
    {
        // Streamed order: reasoning "I think so", answer "Yes.", reasoning " and more". Before the fix the held "so" went
        // out after the answer, joined to the later reasoning.
        var mixed = new ChatResponseUpdate(ChatRole.Assistant, [new TextContent("Yes."), new TextReasoningContent(" and more")]) { ResponseId = "r1", MessageId = "m1" };
        var updates = await StreamAsync(Build(new FixedChatClient(updates: [Reasoning("I think "), Reasoning("so"), mixed]), new GuardOptions { StreamHoldBack = 0 }));

        var order = new List<string>();
        foreach (var content in updates.SelectMany(u => u.Contents))
        {
            var (kind, text) = content switch
            {
                TextReasoningContent r => ("R:", r.Text),
                TextContent t => ("T:", t.Text),
                _ => ("?", string.Empty),
            };
            if (text.Length > 0)
            {
                if (order.Count > 0 && order[^1].StartsWith(kind, StringComparison.Ordinal))
                {
                    order[^1] += text;
                }
                else
                {
                    order.Add(kind + text);
                }
            }
        }

        Assert.Equal(["R:I think so", "T:Yes.", "R: and more"], order);
    }
}
