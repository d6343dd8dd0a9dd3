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

/// <summary>Speculation with a draft model: the same replies, with drafts confirmed when the draft agrees.</summary>
public class DraftModelTests(LlamaModelFixture fixture) : IClassFixture<LlamaModelFixture>
{
    private static List<ChatMessage> Ask(int i) => [new(ChatRole.User, $"Describe item {i}.")];

    [Theory]
    [InlineData(0f, null)]
    [InlineData(1f, null)]
    [InlineData(1f, "{\"type\":\"object\",\"properties\":{\"name\":{\"type\":\"string\",\"maxLength\":30},\"n\":{\"type\":\"integer\"}},\"required\":[\"name\",\"n\"],\"additionalProperties\":false}")]
    public async Task A_draft_model_gives_the_same_replies(float temperature, string? schema)
    {
        // The draft is the same tiny model loaded again: at temperature 0 it agrees with the target on every token.
        using var draft = LlamaModel.Load(fixture.Path, new LlamaModelOptions { ContextSize = 2048, GpuLayerCount = 0 });
        using var plain = fixture.Model.CreateChatClient();
        using var speculative = fixture.Model.CreateChatClient(new LlamaChatOptions { Speculation = LlamaSpeculation.DraftModel, DraftModel = draft, DraftTokens = 5 });
        for (var i = 0; i < 4; i++)
        {
            var options = new ChatOptions
            {
                Temperature = temperature,
                Seed = i,
                MaxOutputTokens = 60,
                ResponseFormat = schema is null ? null : ChatResponseFormat.ForJsonSchema(System.Text.Json.JsonDocument.Parse(schema).RootElement),
            };
            var expected = await plain.GetResponseAsync(Ask(i), options);
            var actual = await speculative.GetResponseAsync(Ask(i), options);
            Assert.Equal(expected.Text, actual.Text);
        }

        var statistics = speculative.GetService<LlamaClientStatistics>()!;
        Assert.True(statistics.DraftTokensProposed > 0);
        if (temperature == 0)
        {
            Assert.Equal(statistics.DraftTokensProposed, statistics.DraftTokensAccepted);
            Assert.True(statistics.Batches < plain.GetService<LlamaClientStatistics>()!.Batches);
        }
    }

    [Fact]
    public void A_draft_model_with_another_vocabulary_is_refused()
    {
        var path = Path.Combine(fixture.Folder, "other-vocab.gguf");
        Declarative.Testing.TinyGguf.Write(path, ["▁", "x", "yz"]);
        using var other = LlamaModel.Load(path, new LlamaModelOptions { ContextSize = 256, GpuLayerCount = 0 });
        var ex = Assert.Throws<ArgumentException>(() => fixture.Model.CreateChatClient(new LlamaChatOptions { Speculation = LlamaSpeculation.DraftModel, DraftModel = other }));
        Assert.Contains("vocabulary", ex.Message);
        Assert.Throws<ArgumentException>(() => fixture.Model.CreateChatClient(new LlamaChatOptions { Speculation = LlamaSpeculation.DraftModel }));
    }
}
