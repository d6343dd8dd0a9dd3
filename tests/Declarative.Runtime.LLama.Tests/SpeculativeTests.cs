using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Declarative.Runtime.LLama.Tests;

/// <summary>Prompt-lookup speculation checks its drafts with the model's own sampling: replies are the same as without it.</summary>
public class SpeculativeTests(LlamaModelFixture fixture) : IClassFixture<LlamaModelFixture>
{
    private const string Document = "Invoice 4471 from Contoso Ltd, 12 Harbour Road, Leeds. Items: 3 x blue widget at 4.50, 1 x red gadget at 19.99. Total 33.49 due on 2026-12-01.";

    private static List<ChatMessage> Ask(string instruction) =>
        [new(ChatRole.System, "Copy the requested spans exactly."), new(ChatRole.User, instruction + "\n\n" + Document + "\n\n" + Document)];

    public static TheoryData<float, string?> Settings => new()
    {
        { 0f, null },
        { 1f, null },
        { 0f, "{\"type\":\"object\",\"properties\":{\"vendor\":{\"type\":\"string\",\"maxLength\":40},\"total\":{\"type\":\"number\"}},\"required\":[\"vendor\",\"total\"],\"additionalProperties\":false}" },
        { 1f, "{\"type\":\"array\",\"items\":{\"type\":\"string\",\"maxLength\":12},\"maxItems\":6}" },
    };

    [Theory]
    [MemberData(nameof(Settings))]
    public async Task Replies_are_the_same_with_and_without_drafts(float temperature, string? schema)
    {
        using var plain = fixture.Model.CreateChatClient();
        using var speculative = fixture.Model.CreateChatClient(new LlamaChatOptions { Speculation = LlamaSpeculation.PromptLookup, DraftTokens = 6, DraftNgram = 1 });
        for (var seed = 0; seed < 4; seed++)
        {
            var options = new ChatOptions
            {
                Temperature = temperature,
                Seed = seed,
                MaxOutputTokens = 80,
                ResponseFormat = schema is null ? null : ChatResponseFormat.ForJsonSchema(JsonDocument.Parse(schema).RootElement),
            };
            var expected = await plain.GetResponseAsync(Ask($"Extract, attempt {seed}."), options);
            var actual = await speculative.GetResponseAsync(Ask($"Extract, attempt {seed}."), options);
            Assert.Equal(expected.Text, actual.Text);
            Assert.Equal(expected.Usage!.OutputTokenCount, actual.Usage!.OutputTokenCount);
            Assert.Equal(expected.FinishReason, actual.FinishReason);
        }

        var statistics = speculative.GetService<LlamaClientStatistics>()!;
        Assert.True(statistics.DraftTokensProposed > 0, "nothing was drafted");
        Assert.InRange(statistics.DraftTokensAccepted, 0, statistics.DraftTokensProposed);
        Assert.Equal(0, plain.GetService<LlamaClientStatistics>()!.DraftTokensProposed);
    }

    [Fact]
    public async Task Repetitive_replies_accept_drafts_and_take_fewer_batches()
    {
        // The tiny random model, decoding greedily, falls into loops: its own reply then predicts itself.
        using var plain = fixture.Model.CreateChatClient();
        using var speculative = fixture.Model.CreateChatClient(new LlamaChatOptions { Speculation = LlamaSpeculation.PromptLookup });
        var options = new ChatOptions { MaxOutputTokens = 200 };
        var expected = await plain.GetResponseAsync(Ask("Repeat the total."), options);
        var actual = await speculative.GetResponseAsync(Ask("Repeat the total."), options);
        Assert.Equal(expected.Text, actual.Text);
        var withDrafts = speculative.GetService<LlamaClientStatistics>()!;
        var without = plain.GetService<LlamaClientStatistics>()!;
        Assert.True(withDrafts.DraftTokensAccepted > 0, $"accepted {withDrafts.DraftTokensAccepted} of {withDrafts.DraftTokensProposed}");
        Assert.True(withDrafts.Batches < without.Batches, $"{withDrafts.Batches} batches with drafts, {without.Batches} without");
    }
}
