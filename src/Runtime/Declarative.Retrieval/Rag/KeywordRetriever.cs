namespace Declarative.Retrieval;

/// <summary>Sparse retrieval: BM25 over a <see cref="Bm25Index"/>.</summary>
/// <param name="index">The keyword index.</param>
/// <param name="filter">Metadata pairs every hit must have; <see langword="null"/> for none.</param>
public sealed class KeywordRetriever(Bm25Index index, IReadOnlyDictionary<string, string>? filter = null) : IRetriever
{
    /// <summary>The index.</summary>
    public Bm25Index Index { get; } = index ?? throw new ArgumentNullException(nameof(index));

    /// <inheritdoc />
    public Task<IReadOnlyList<Passage>> RetrieveAsync(string query, int k, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult<IReadOnlyList<Passage>>(Index.Search(query, k, filter).Select(Passage.FromHit).ToArray());
    }
}
