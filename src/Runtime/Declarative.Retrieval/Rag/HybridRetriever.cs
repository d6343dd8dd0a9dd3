namespace Declarative.Retrieval;

/// <summary>Hybrid retrieval: asks several retrievers (typically keyword and vector) for candidates and fuses their lists.</summary>
public sealed class HybridRetriever : IRetriever
{
    private readonly IRetriever[] retrievers;
    private readonly double[] weights;

    /// <summary>Creates a hybrid retriever.</summary>
    /// <param name="retrievers">The retrievers and their weights (weights matter only for <see cref="FusionMethod.Weighted"/>).</param>
    /// <param name="method">How to fuse (default reciprocal rank).</param>
    /// <param name="candidates">How many candidates to ask each retriever for (default 50; at least k is used).</param>
    public HybridRetriever(IEnumerable<(IRetriever Retriever, double Weight)> retrievers, FusionMethod method = FusionMethod.ReciprocalRank, int candidates = 50)
    {
        ArgumentNullException.ThrowIfNull(retrievers);
        var list = retrievers.ToArray();
        if (list.Length == 0 || list.Any(r => r.Retriever is null || !(r.Weight >= 0) || double.IsInfinity(r.Weight)))
        {
            throw new ArgumentException("Give at least one retriever, each with a finite non-negative weight.", nameof(retrievers));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(candidates, 1);
        this.retrievers = list.Select(r => r.Retriever).ToArray();
        weights = list.Select(r => r.Weight).ToArray();
        Method = method;
        Candidates = candidates;
    }

    /// <summary>How the lists are fused.</summary>
    public FusionMethod Method { get; }

    /// <summary>How many candidates each retriever is asked for.</summary>
    public int Candidates { get; }

    /// <inheritdoc />
    public async Task<IReadOnlyList<Passage>> RetrieveAsync(string query, int k, CancellationToken cancellationToken = default)
    {
        var lists = await Task.WhenAll(retrievers.Select(r => r.RetrieveAsync(query, Math.Max(k, Candidates), cancellationToken))).ConfigureAwait(false);
        return Fuse(lists, k, Method, weights);
    }

    /// <summary>Fuses passage lists, keeping each passage's text and metadata from the first list that has it.</summary>
    internal static IReadOnlyList<Passage> Fuse(IReadOnlyList<IReadOnlyList<Passage>> lists, int k, FusionMethod method, IReadOnlyList<double>? weights = null)
    {
        var byId = new Dictionary<string, Passage>(StringComparer.Ordinal);
        foreach (var passage in lists.SelectMany(l => l))
        {
            byId.TryAdd(passage.Id, passage);
        }

        var hits = lists.Select(l => (IReadOnlyList<VectorHit>)l.Select(p => new VectorHit(p.Id, p.Score, p.Metadata)).ToArray()).ToArray();
        var fused = method == FusionMethod.Weighted
            ? ScoreFusion.Weighted(hits, weights ?? Enumerable.Repeat(1.0, hits.Length).ToArray(), k)
            : ScoreFusion.ReciprocalRank(hits, k);
        return fused.Select(h => byId[h.Id] with { Score = h.Score }).ToArray();
    }
}
