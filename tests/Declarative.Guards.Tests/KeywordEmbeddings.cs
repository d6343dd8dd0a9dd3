using Microsoft.Extensions.AI;

namespace Declarative.Guards.Tests;

/// <summary>Embeds [1, 0] when the text contains the keyword and [0, 0] otherwise; records every input.</summary>
internal sealed class KeywordEmbeddings(string keyword, List<string> seen) : IEmbeddingGenerator<string, Embedding<float>>
{
    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        var list = values.ToList();
        seen.AddRange(list);
        return Task.FromResult(new GeneratedEmbeddings<Embedding<float>>(list.Select(v => new Embedding<float>(new float[] { v.Contains(keyword, StringComparison.Ordinal) ? 1 : 0, 0 }))));
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => null;

    public void Dispose()
    {
    }
}
