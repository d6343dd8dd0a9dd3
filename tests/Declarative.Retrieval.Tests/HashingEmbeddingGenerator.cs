using System.Text.RegularExpressions;
using Microsoft.Extensions.AI;

namespace Declarative.Retrieval.Tests;

/// <summary>A deterministic bag-of-words embedder for tests: each lower-cased word adds 1 to a dimension chosen by its FNV-1a hash.</summary>
internal sealed partial class HashingEmbeddingGenerator(int dimensions = 256) : IEmbeddingGenerator<string, Embedding<float>>
{
    public int Dimensions => dimensions;

    public int Calls { get; private set; }

    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        Calls++;
        var result = new GeneratedEmbeddings<Embedding<float>>();
        foreach (var value in values)
        {
            var vector = new float[dimensions];
            vector[0] = 0.01f; // never a zero vector
            foreach (Match word in Word().Matches(value.ToLowerInvariant()))
            {
                var hash = 2166136261u;
                foreach (var c in word.Value)
                {
                    hash = (hash ^ c) * 16777619u;
                }

                vector[1 + (int)(hash % (uint)(dimensions - 1))] += 1;
            }

            result.Add(new Embedding<float>(vector));
        }

        return Task.FromResult(result);
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => serviceType.IsInstanceOfType(this) ? this : null;

    public void Dispose()
    {
    }

    [GeneratedRegex(@"[\p{L}\p{N}]+")]
    private static partial Regex Word();
}
