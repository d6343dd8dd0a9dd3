using Microsoft.Extensions.AI;

namespace Declarative.Optimizers.Tests;

/// <summary>A deterministic embedder for tests: word counts over a fixed vocabulary (unknown words are ignored).</summary>
internal sealed class BagOfWordsEmbedder(params string[] vocabulary) : IEmbeddingGenerator<string, Embedding<float>>
{
    public List<string> Embedded { get; } = [];

    public int Calls { get; private set; }

    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        Calls++;
        var result = new GeneratedEmbeddings<Embedding<float>>();
        foreach (var text in values)
        {
            Embedded.Add(text);
            var words = text.ToLowerInvariant().Split([' ', ':', '|', '?'], StringSplitOptions.RemoveEmptyEntries);
            result.Add(new Embedding<float>(vocabulary.Select(v => (float)words.Count(w => w == v)).ToArray()));
        }

        return Task.FromResult(result);
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => null;

    public void Dispose()
    {
    }
}
