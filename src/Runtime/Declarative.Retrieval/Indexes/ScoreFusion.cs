namespace Declarative.Retrieval;

/// <summary>Merges ranked lists from several retrievers (hybrid search).</summary>
public static class ScoreFusion
{
    /// <summary>
    /// Weighted score fusion: each list's scores are min-max normalized to [0, 1] (a list whose scores are all equal
    /// scores 1), multiplied by the list's weight, and summed per id (an id missing from a list gets 0 from it).
    /// </summary>
    /// <param name="lists">The ranked lists.</param>
    /// <param name="weights">One non-negative weight per list.</param>
    /// <param name="k">How many fused hits to keep.</param>
    /// <returns>The fused hits, best first (ties by id), with the fused score and the first list's metadata for each id.</returns>
    public static IReadOnlyList<VectorHit> Weighted(IReadOnlyList<IReadOnlyList<VectorHit>> lists, IReadOnlyList<double> weights, int k)
    {
        ArgumentNullException.ThrowIfNull(lists);
        ArgumentNullException.ThrowIfNull(weights);
        if (weights.Count != lists.Count || weights.Any(w => !(w >= 0) || double.IsInfinity(w)))
        {
            throw new ArgumentException($"Give one finite, non-negative weight per list ({lists.Count} lists, {weights.Count} weights).", nameof(weights));
        }

        return Fuse(lists, k, list =>
        {
            var max = list.Count > 0 ? list.Max(h => h.Score) : 0;
            var min = list.Count > 0 ? list.Min(h => h.Score) : 0;
            return rank => max > min ? (list[rank].Score - min) / (double)(max - min) : 1.0;
        }, weights);
    }

    /// <summary>Reciprocal-rank fusion (Cormack et al., 2009): each id scores the sum over lists of <c>1 / (rankConstant + rank)</c>, rank from 1.</summary>
    /// <param name="lists">The ranked lists.</param>
    /// <param name="k">How many fused hits to keep.</param>
    /// <param name="rankConstant">The constant that damps the top ranks (default 60, as in the paper).</param>
    /// <returns>The fused hits, best first (ties by id).</returns>
    public static IReadOnlyList<VectorHit> ReciprocalRank(IReadOnlyList<IReadOnlyList<VectorHit>> lists, int k, int rankConstant = 60)
    {
        ArgumentNullException.ThrowIfNull(lists);
        ArgumentOutOfRangeException.ThrowIfNegative(rankConstant);
        return Fuse(lists, k, _ => rank => 1.0 / (rankConstant + rank + 1), weights: null);
    }

    private static IReadOnlyList<VectorHit> Fuse(IReadOnlyList<IReadOnlyList<VectorHit>> lists, int k, Func<IReadOnlyList<VectorHit>, Func<int, double>> scorer, IReadOnlyList<double>? weights)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        var totals = new Dictionary<string, (double Score, IReadOnlyDictionary<string, string> Metadata)>(StringComparer.Ordinal);
        for (var l = 0; l < lists.Count; l++)
        {
            var list = lists[l] ?? throw new ArgumentException($"List {l} is null.", nameof(lists));
            var weight = weights?[l] ?? 1.0;
            var seen = new HashSet<string>(StringComparer.Ordinal);
            var score = scorer(list);
            for (var rank = 0; rank < list.Count; rank++)
            {
                var hit = list[rank];
                if (!seen.Add(hit.Id))
                {
                    continue; // a list that repeats an id counts it once, at its best rank
                }

                var add = weight * score(rank);
                totals[hit.Id] = totals.TryGetValue(hit.Id, out var t) ? (t.Score + add, t.Metadata) : (add, hit.Metadata);
            }
        }

        return totals
            .OrderByDescending(p => p.Value.Score)
            .ThenBy(p => p.Key, StringComparer.Ordinal)
            .Take(k)
            .Select(p => new VectorHit(p.Key, (float)p.Value.Score, p.Value.Metadata))
            .ToArray();
    }
}
