using Microsoft.Extensions.AI;

namespace Declarative.Runtime.LLama.Tests;

/// <summary>The embedding generator over the tiny model: vectors of the model's width, deterministic, distinct, normalized.</summary>
public class LlamaEmbeddingTests(LlamaModelFixture fixture) : IClassFixture<LlamaModelFixture>
{
    private LlamaModel Model => fixture.Model;

    private static double Norm(Embedding<float> embedding) =>
        Math.Sqrt(embedding.Vector.ToArray().Sum(x => (double)x * x));

    [Fact]
    public async Task Vectors_have_the_model_embedding_width_and_metadata()
    {
        using var generator = Model.CreateEmbeddingGenerator();
        var result = await generator.GenerateAsync(["the answer is 12", "name and age"]);
        Assert.Equal(2, result.Count);
        Assert.Equal(32, Model.Weights.EmbeddingSize);
        Assert.All(result, e => Assert.Equal(Model.Weights.EmbeddingSize, e.Vector.Length));
        Assert.All(result, e => Assert.Equal("tiny", e.ModelId));
        var metadata = generator.GetService<EmbeddingGeneratorMetadata>();
        Assert.NotNull(metadata);
        Assert.Equal("tiny", metadata.DefaultModelId);
        Assert.Equal(Model.Weights.EmbeddingSize, metadata.DefaultModelDimensions);
        Assert.Equal("llama.cpp", metadata.ProviderName);
    }

    [Fact]
    public async Task The_same_text_gives_the_same_vector_and_different_texts_differ()
    {
        using var generator = Model.CreateEmbeddingGenerator();
        var result = await generator.GenerateAsync(["the answer is 12", "name and age", "the answer is 12"]);
        Assert.Equal(result[0].Vector.ToArray(), result[2].Vector.ToArray());
        Assert.NotEqual(result[0].Vector.ToArray(), result[1].Vector.ToArray());

        // A later call, after other inputs went through the context, gives the same vector again.
        var again = await generator.GenerateVectorAsync("the answer is 12");
        Assert.Equal(result[0].Vector.ToArray(), again.ToArray());
    }

    [Fact]
    public async Task Vectors_are_normalized_by_default_and_raw_on_request()
    {
        using var normalized = Model.CreateEmbeddingGenerator();
        using var raw = Model.CreateEmbeddingGenerator(new LlamaEmbeddingOptions { Normalize = false });
        var unit = (await normalized.GenerateAsync(["question", "the answer is true"])).ToList();
        Assert.All(unit, e => Assert.Equal(1.0, Norm(e), 4));
        var plain = await raw.GenerateAsync(["question"]);
        var norm = Norm(plain[0]);
        Assert.NotEqual(1.0, norm, 3);
        var scaled = plain[0].Vector.ToArray().Select(x => x / norm).ToArray();
        var expected = unit[0].Vector.ToArray();
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i], scaled[i], 4);
        }
    }

    [Fact]
    public async Task Pooling_choices_give_different_vectors()
    {
        using var mean = Model.CreateEmbeddingGenerator();
        using var last = Model.CreateEmbeddingGenerator(new LlamaEmbeddingOptions { Pooling = LlamaEmbeddingPooling.Last });
        var a = await mean.GenerateVectorAsync("the answer is 12");
        var b = await last.GenerateVectorAsync("the answer is 12");
        Assert.NotEqual(a.ToArray(), b.ToArray());
    }

    [Fact]
    public async Task Usage_counts_the_input_tokens()
    {
        using var generator = Model.CreateEmbeddingGenerator();
        var one = await generator.GenerateAsync(["the answer is 12"]);
        var two = await generator.GenerateAsync(["the answer is 12", "the answer is 12"]);
        Assert.NotNull(one.Usage);
        Assert.True(one.Usage.InputTokenCount > 1);
        Assert.Equal(2 * one.Usage.InputTokenCount, two.Usage!.InputTokenCount);
        Assert.Equal(two.Usage.InputTokenCount, two.Usage.TotalTokenCount);
    }

    [Fact]
    public async Task An_empty_input_list_gives_no_vectors()
    {
        using var generator = Model.CreateEmbeddingGenerator();
        var result = await generator.GenerateAsync([]);
        Assert.Empty(result);
        Assert.Equal(0, result.Usage?.InputTokenCount);
    }

    [Fact]
    public async Task Cancellation_throws()
    {
        using var generator = Model.CreateEmbeddingGenerator();
        using var cancel = new CancellationTokenSource();
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => generator.GenerateAsync(["question"], cancellationToken: cancel.Token));
    }

    [Fact]
    public async Task Too_long_inputs_and_bad_options_are_clear_errors()
    {
        using var generator = Model.CreateEmbeddingGenerator(new LlamaEmbeddingOptions { MaxInputTokens = 16 });
        var ex = await Assert.ThrowsAsync<ArgumentException>(() => generator.GenerateAsync(["short", new string('x', 200)]));
        Assert.Contains("Input 1", ex.Message);
        Assert.Contains("MaxInputTokens", ex.Message);
        await Assert.ThrowsAsync<NotSupportedException>(() => generator.GenerateAsync(["short"], new EmbeddingGenerationOptions { Dimensions = 8 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => Model.CreateEmbeddingGenerator(new LlamaEmbeddingOptions { MaxInputTokens = 0 }));
    }
}
