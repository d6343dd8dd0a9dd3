using Microsoft.Extensions.AI;

using static Declarative.Guards.Tests.GuardedClients;

namespace Declarative.Guards.Tests;

/// <summary>
/// A non-streamed message's text contents are scanned as the one text they form (as <see cref="ChatMessage.Text"/> reads
/// them), so a secret split across two of them is found and redacted across the boundary: each test failed before the fix
/// (each content was scanned on its own, and neither half matched).
/// </summary>
public sealed class SplitTextContentTests
{
    private const string PrivateKey = "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7\n-----END PRIVATE KEY-----";

    private static Task<ChatResponse> AskAsync(IChatClient client) => client.GetResponseAsync([new ChatMessage(ChatRole.User, "hi")]);

    private static string Describe(AIContent content) => content switch
    {
        TextContent t => "text:" + t.Text,
        TextReasoningContent r => "reasoning:" + r.Text,
        _ => content.GetType().Name,
    };

    [Fact]
    public async Task A_key_split_across_two_text_contents_is_redacted_across_the_boundary_and_every_content_keeps_its_place()
    {
        var log = new GuardLog();
        var first = new TextContent("Your key is " + Key[..20]) { AdditionalProperties = new() { ["part"] = 1 } };
        var image = new UriContent("https://example.com/a.png", "image/png");
        var message = new ChatMessage(ChatRole.Assistant, [new UriContent("https://example.com/b.png", "image/png"), first, image, new TextContent(Key[20..] + ", keep it safe.")]);

        var response = await AskAsync(Build(new FixedChatClient(new ChatResponse(message)), new GuardOptions { Log = log }));

        var contents = Assert.Single(response.Messages).Contents;
        Assert.Equal(["UriContent", "text:Your key is [REDACTED:secret.openai]", "UriContent", "text:, keep it safe."], contents.Select(Describe));
        Assert.Same(image, contents[2]);
        Assert.Equal(1, contents[1].AdditionalProperties?["part"]);
        var finding = Assert.Single(Assert.Single(log.Events).Findings);
        Assert.Equal(("secret.openai", 12, Key.Length), (finding.Kind, finding.Start, finding.Length)); // offsets into the message's text
    }

    [Fact]
    public async Task A_private_key_block_split_across_three_text_contents_is_redacted_and_a_part_wholly_inside_it_is_kept_empty()
    {
        var parts = new[] { "Here it is:\n" + PrivateKey[..30], PrivateKey[30..60], PrivateKey[60..] + "\nDone." };
        var response = await AskAsync(Build(new FixedChatClient(new ChatResponse(new ChatMessage(ChatRole.Assistant, [.. parts.Select(p => (AIContent)new TextContent(p))]))), new GuardOptions()));

        var contents = Assert.Single(response.Messages).Contents;
        Assert.Equal(["text:Here it is:\n[REDACTED:secret.private_key]", "text:", "text:\nDone."], contents.Select(Describe));
    }

    [Fact]
    public async Task A_key_split_across_two_text_contents_blocks_and_is_flagged()
    {
        ChatResponse Split() => new(new ChatMessage(ChatRole.Assistant, [new TextContent("Use " + Key[..16]), new TextContent(Key[16..] + " here.")]));

        var ex = await Assert.ThrowsAsync<GuardException>(() => AskAsync(Build(new FixedChatClient(Split()), new GuardOptions { OutputAction = GuardAction.Block })));
        Assert.Equal("secret.openai", Assert.Single(ex.Findings).Kind);

        var log = new GuardLog();
        var flagged = await AskAsync(Build(new FixedChatClient(Split()), new GuardOptions { OutputAction = GuardAction.Flag, Log = log }));
        Assert.Equal("Use " + Key + " here.", flagged.Text);
        Assert.Equal(GuardAction.Flag, Assert.Single(log.Events).Action);
    }

    [Fact]
    public async Task Reasoning_split_across_two_contents_is_joined_on_its_own_and_not_with_the_answer()
    {
        var log = new GuardLog();
        var message = new ChatMessage(ChatRole.Assistant,
        [
            new TextReasoningContent("The config holds " + Key[..20]) { ProtectedData = "sig" },
            new TextContent("The answer is 42."),
            new TextReasoningContent(Key[20..] + ", so I will not repeat it."),
        ]);

        var response = await AskAsync(Build(new FixedChatClient(new ChatResponse(message)), new GuardOptions { Log = log }));

        var contents = Assert.Single(response.Messages).Contents;
        Assert.Equal(["reasoning:The config holds [REDACTED:secret.openai]", "text:The answer is 42.", "reasoning:, so I will not repeat it."], contents.Select(Describe));
        Assert.Equal("sig", Assert.IsType<TextReasoningContent>(contents[0]).ProtectedData);
        var finding = Assert.Single(Assert.Single(log.Events).Findings);
        Assert.Equal(("secret.openai", StreamGuard.ReasoningField, 17), (finding.Kind, finding.Field, finding.Start));
    }
}
