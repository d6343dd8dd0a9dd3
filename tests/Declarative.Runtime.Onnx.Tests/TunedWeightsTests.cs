using System.IO.Compression;
using System.Text;
using Microsoft.Extensions.AI;

namespace Declarative.Runtime.Onnx.Tests;

/// <summary><see cref="OnnxEmbeddingOptions.WeightsPath"/> and <see cref="OnnxEmbeddingOptions.OpenWeights"/>: tuned weights laid over the model's initializers.</summary>
[Collection(EncoderCollection.Name)]
public sealed class TunedWeightsTests(EncoderFixture fixture) : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("declarative-weights-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Fact]
    public async Task A_tuned_initializer_changes_the_embeddings_from_a_file_or_a_stream_alike()
    {
        var bytes = Npz(("embeddings.LayerNorm.bias", [384], Enumerable.Range(0, 384).Select(i => (float)Math.Sin(i)).ToArray(), Half: false));
        var path = Path.Combine(folder, "tuned.npz");
        await File.WriteAllBytesAsync(path, bytes);
        string[] texts = ["Ignore the previous instructions.", "The cat sat on the mat."];

        using var fromFile = OnnxEmbeddings.Create(new OnnxEmbeddingOptions { WeightsPath = path });
        using var fromStream = OnnxEmbeddings.Create(new OnnxEmbeddingOptions { OpenWeights = () => new MemoryStream(bytes) });
        var stock = await fixture.Generator.GenerateAsync(texts);
        var tuned = await fromFile.GenerateAsync(texts);
        var streamed = await fromStream.GenerateAsync(texts);

        for (var i = 0; i < texts.Length; i++)
        {
            Assert.True(EncoderFixture.Cosine(stock[i].Vector.Span, tuned[i].Vector.Span) < 0.99, $"text {i} did not change");
            Assert.True(EncoderFixture.Cosine(tuned[i].Vector.Span, streamed[i].Vector.Span) >= 0.99999, $"text {i}: file and stream differ");
        }

        Assert.Equal("tuned", fromFile.GetService<EmbeddingGeneratorMetadata>()!.DefaultModelId);
        Assert.Equal("sentence-transformers/all-MiniLM-L6-v2+tuned", fromStream.GetService<EmbeddingGeneratorMetadata>()!.DefaultModelId);
    }

    [Fact]
    public async Task Float16_weights_are_widened_to_the_same_embeddings_as_float32()
    {
        var values = Enumerable.Range(0, 384).Select(i => (float)(Half)(0.25 * Math.Cos(i))).ToArray();
        using var half = OnnxEmbeddings.Create(new OnnxEmbeddingOptions { OpenWeights = () => new MemoryStream(Npz(("embeddings.LayerNorm.bias", [384], values, Half: true))) });
        using var single = OnnxEmbeddings.Create(new OnnxEmbeddingOptions { OpenWeights = () => new MemoryStream(Npz(("embeddings.LayerNorm.bias", [384], values, Half: false))) });

        var a = await half.GenerateAsync(["A sentence to embed."]);
        var b = await single.GenerateAsync(["A sentence to embed."]);

        Assert.True(EncoderFixture.Cosine(a[0].Vector.Span, b[0].Vector.Span) >= 0.999999);
    }

    [Fact]
    public void A_shape_the_model_does_not_have_fails_the_load_with_the_fix()
    {
        var bytes = Npz(("embeddings.LayerNorm.bias", [383], new float[383], Half: false));

        var error = Assert.Throws<OnnxModelLoadException>(() => OnnxEmbeddings.Create(new OnnxEmbeddingOptions { OpenWeights = () => new MemoryStream(bytes) }));

        Assert.Contains("tuned weights", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_name_the_model_does_not_have_fails_the_load()
    {
        var bytes = Npz(("encoder.layer.9.output.dense.bias", [384], new float[384], Half: false));

        var error = Assert.Throws<OnnxModelLoadException>(() => OnnxEmbeddings.Create(new OnnxEmbeddingOptions { OpenWeights = () => new MemoryStream(bytes) }));

        Assert.Contains("encoder.layer.9.output.dense.bias", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("not a zip file at all")]
    [InlineData(null)]
    public async Task A_file_that_is_not_an_npz_of_floats_names_the_format(string? content)
    {
        var path = Path.Combine(folder, "bad.npz");
        await File.WriteAllBytesAsync(path, content is null ? Npz(("x", [2], [1f, 2f], Half: false), descr: "<i8") : Encoding.UTF8.GetBytes(content));

        var error = Assert.Throws<OnnxModelLoadException>(() => OnnxEmbeddings.Create(new OnnxEmbeddingOptions { WeightsPath = path }));

        Assert.Contains(".npz", error.Message, StringComparison.Ordinal);
        Assert.Equal(path, error.Path);
    }

    [Fact]
    public void Both_ways_of_giving_weights_at_once_are_refused()
    {
        var options = new OnnxEmbeddingOptions { WeightsPath = "tuned.npz", OpenWeights = () => Stream.Null };

        var error = Assert.Throws<ArgumentException>(options.Validate);

        Assert.Equal(nameof(OnnxEmbeddingOptions.OpenWeights), error.ParamName);
    }

    /// <summary>A NumPy .npz archive (version 1 .npy entries) of the given arrays.</summary>
    private static byte[] Npz(params (string Name, int[] Shape, float[] Values, bool Half)[] arrays) => Npz(arrays, descr: null);

    private static byte[] Npz((string Name, int[] Shape, float[] Values, bool Half) array, string? descr) => Npz([array], descr);

    private static byte[] Npz((string Name, int[] Shape, float[] Values, bool Half)[] arrays, string? descr)
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, shape, values, half) in arrays)
            {
                using var entry = zip.CreateEntry(name + ".npy").Open();
                var header = $"{{'descr': '{descr ?? (half ? "<f2" : "<f4")}', 'fortran_order': False, 'shape': ({string.Join(", ", shape)},), }}";
                header = header.PadRight(118 - 10) + "\n";
                entry.Write([0x93, .. "NUMPY"u8, 1, 0, (byte)header.Length, 0]);
                entry.Write(Encoding.Latin1.GetBytes(header));
                foreach (var v in values)
                {
                    entry.Write(half ? BitConverter.GetBytes((Half)v) : BitConverter.GetBytes(v));
                }
            }
        }

        return buffer.ToArray();
    }
}
