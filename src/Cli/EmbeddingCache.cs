using Microsoft.Extensions.AI;

namespace Declarative.Cli;

/// <summary>
/// An embedding generator that remembers vectors by exact input text in a file (<c>guard train --embedding-cache</c>),
/// so that retraining with other settings does not embed the same texts again. The file is written by
/// <see cref="SaveAsync"/>; a file made with another embedding model must not be reused (the vectors would be wrong).
/// </summary>
internal sealed class EmbeddingCache(IEmbeddingGenerator<string, Embedding<float>> inner, string path) : IEmbeddingGenerator<string, Embedding<float>>
{
    private readonly Dictionary<string, float[]> vectors = Load(path);

    public async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        var texts = values.ToList();
        var missing = texts.Where(t => !vectors.ContainsKey(t)).Distinct(StringComparer.Ordinal).ToList();
        if (missing.Count > 0)
        {
            var generated = await inner.GenerateAsync(missing, options, cancellationToken);
            for (var i = 0; i < missing.Count; i++)
            {
                vectors[missing[i]] = generated[i].Vector.ToArray();
            }
        }

        return [.. texts.Select(t => new Embedding<float>(vectors[t]))];
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => inner.GetService(serviceType, serviceKey);

    /// <summary>Writes every vector known so far to the cache file.</summary>
    public async Task SaveAsync(CancellationToken cancellationToken)
    {
        await using var stream = File.Create(path);
        await using var writer = new BinaryWriter(stream);
        writer.Write(vectors.Count);
        foreach (var (text, vector) in vectors)
        {
            cancellationToken.ThrowIfCancellationRequested();
            writer.Write(text);
            writer.Write(vector.Length);
            foreach (var value in vector)
            {
                writer.Write(value);
            }
        }
    }

    public void Dispose()
    {
    }

    private static Dictionary<string, float[]> Load(string path)
    {
        var vectors = new Dictionary<string, float[]>(StringComparer.Ordinal);
        if (!File.Exists(path))
        {
            return vectors;
        }

        using var reader = new BinaryReader(File.OpenRead(path));
        var count = reader.ReadInt32();
        for (var i = 0; i < count; i++)
        {
            var text = reader.ReadString();
            var vector = new float[reader.ReadInt32()];
            for (var d = 0; d < vector.Length; d++)
            {
                vector[d] = reader.ReadSingle();
            }

            vectors[text] = vector;
        }

        return vectors;
    }
}
