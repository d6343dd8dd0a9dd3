using Microsoft.Extensions.AI;

namespace Declarative.Runtime.Onnx.Tests;

[Collection(EncoderCollection.Name)]
public sealed class GeneratorBehaviourTests(EncoderFixture fixture)
{
    [Fact]
    public async Task No_inputs_give_no_embeddings()
    {
        var result = await fixture.Generator.GenerateAsync([]);

        Assert.Empty(result);
        Assert.Equal(0, result.Usage?.InputTokenCount);
    }

    [Fact]
    public async Task Vectors_have_unit_length_by_default_and_the_same_direction_without_normalization()
    {
        using var raw = OnnxEmbeddings.Create(new OnnxEmbeddingOptions { Normalize = false });
        string[] sentences = ["The cat sat on the mat.", "Why is the sky blue?"];

        var normalized = await fixture.Generator.GenerateAsync(sentences);
        var unnormalized = await raw.GenerateAsync(sentences);

        for (var i = 0; i < sentences.Length; i++)
        {
            Assert.Equal(1.0, EncoderFixture.Norm(normalized[i].Vector.Span), 5);
            Assert.NotEqual(1.0, EncoderFixture.Norm(unnormalized[i].Vector.Span), 2);
            Assert.True(EncoderFixture.Cosine(normalized[i].Vector.Span, unnormalized[i].Vector.Span) >= 0.99999);
        }
    }

    [Fact]
    public async Task Metadata_and_usage_describe_the_model_and_the_tokens()
    {
        var metadata = fixture.Generator.GetService<EmbeddingGeneratorMetadata>();
        Assert.NotNull(metadata);
        Assert.Equal("sentence-transformers/all-MiniLM-L6-v2", metadata.DefaultModelId);
        Assert.Equal(384, metadata.DefaultModelDimensions);

        // "hello , world !" and "dogs are loyal companions ." plus [CLS] and [SEP] each.
        var result = await fixture.Generator.GenerateAsync(["Hello, world!", "Dogs are loyal companions."]);
        Assert.Equal(6 + 7, result.Usage?.InputTokenCount);
        Assert.All(result, e => Assert.Equal(384, e.Vector.Length));
        Assert.All(result, e => Assert.Equal("sentence-transformers/all-MiniLM-L6-v2", e.ModelId));
    }

    [Fact]
    public async Task A_long_text_is_truncated_at_the_maximum_length()
    {
        var longText = string.Join(' ', Enumerable.Repeat("river", 1000));
        var firstTokens = string.Join(' ', Enumerable.Repeat("river", OnnxEmbeddingOptions.DefaultMaxSequenceLength - 2));

        var truncated = await fixture.Generator.GenerateAsync([longText]);
        var prefix = await fixture.Generator.GenerateAsync([firstTokens]);

        Assert.Equal(OnnxEmbeddingOptions.DefaultMaxSequenceLength, truncated.Usage?.InputTokenCount);
        Assert.True(EncoderFixture.Cosine(truncated[0].Vector.Span, prefix[0].Vector.Span) >= 0.99999);
    }

    [Fact]
    public async Task A_long_text_throws_when_asked_to()
    {
        using var strict = OnnxEmbeddings.Create(new OnnxEmbeddingOptions { MaxSequenceLength = 16, Overflow = SequenceOverflow.Throw });
        var fits = string.Join(' ', Enumerable.Repeat("river", 14));
        var tooLong = string.Join(' ', Enumerable.Repeat("river", 15));

        var ok = await strict.GenerateAsync([fits]);
        Assert.Equal(16, ok.Usage?.InputTokenCount);
        var error = await Assert.ThrowsAsync<EmbeddingInputTooLongException>(() => strict.GenerateAsync([fits, tooLong]));
        Assert.Equal(1, error.InputIndex);
        Assert.Contains("MaxSequenceLength", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Uncased_models_fold_case_and_accents()
    {
        var result = await fixture.Generator.GenerateAsync(["Café RÉSUMÉ", "cafe resume"]);

        Assert.True(EncoderFixture.Cosine(result[0].Vector.Span, result[1].Vector.Span) >= 0.99999);
    }

    [Theory]
    [InlineData("a b c", 5)]
    [InlineData("a + b = c", 7)]
    [InlineData("a $ b", 5)]
    [InlineData("x<y|z~w^v", 11)]
    [InlineData("a \U0001F600 b", 5)]
    public async Task Symbols_are_tokens_as_in_BERT(string text, int tokens)
    {
        var result = await fixture.Generator.GenerateAsync([text]);

        Assert.Equal(tokens, result.Usage?.InputTokenCount);
    }

    [Fact]
    public async Task A_cancelled_call_throws_before_running()
    {
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => fixture.Generator.GenerateAsync(Sentences.Take(10), cancellationToken: cts.Token));
    }

    [Fact]
    public async Task Other_dimensions_are_refused()
    {
        await Assert.ThrowsAsync<NotSupportedException>(() => fixture.Generator.GenerateAsync(["x"], new EmbeddingGenerationOptions { Dimensions = 128 }));
    }
}
