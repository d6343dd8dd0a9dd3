namespace Declarative.Retrieval;

/// <summary>Rank metrics for retrieval against labelled relevant ids.</summary>
public static class RankingMetrics
{
    /// <summary>The share of the relevant ids found among the first <paramref name="k"/> retrieved (0 to 1).</summary>
    /// <param name="retrieved">Retrieved ids, best first.</param>
    /// <param name="relevant">The relevant ids (at least one).</param>
    /// <param name="k">The cut-off.</param>
    /// <returns>Recall@k.</returns>
    public static double RecallAtK(IEnumerable<string> retrieved, IEnumerable<string> relevant, int k)
    {
        ArgumentNullException.ThrowIfNull(retrieved);
        var wanted = Relevant(relevant);
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        return retrieved.Take(k).Distinct(StringComparer.Ordinal).Count(wanted.Contains) / (double)wanted.Count;
    }

    /// <summary>Normalized discounted cumulative gain with binary relevance: DCG@k of the ranking over DCG@k of an ideal one (0 to 1).</summary>
    /// <param name="retrieved">Retrieved ids, best first.</param>
    /// <param name="relevant">The relevant ids (at least one).</param>
    /// <param name="k">The cut-off.</param>
    /// <returns>nDCG@k.</returns>
    public static double NdcgAtK(IEnumerable<string> retrieved, IEnumerable<string> relevant, int k)
    {
        var wanted = Relevant(relevant);
        return NdcgAtK(retrieved, wanted.ToDictionary(id => id, _ => 1.0, StringComparer.Ordinal), k);
    }

    /// <summary>Normalized discounted cumulative gain with graded relevance: gain <c>2^rel - 1</c>, discount <c>log2(rank + 1)</c>.</summary>
    /// <param name="retrieved">Retrieved ids, best first (a repeated id counts once, at its first rank).</param>
    /// <param name="relevance">The relevance grade of each relevant id (non-negative; missing ids are 0).</param>
    /// <param name="k">The cut-off.</param>
    /// <returns>nDCG@k; 0 when no id has a positive grade.</returns>
    public static double NdcgAtK(IEnumerable<string> retrieved, IReadOnlyDictionary<string, double> relevance, int k)
    {
        ArgumentNullException.ThrowIfNull(retrieved);
        ArgumentNullException.ThrowIfNull(relevance);
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        if (relevance.Values.Any(v => !(v >= 0) || double.IsInfinity(v)))
        {
            throw new ArgumentException("Relevance grades must be finite and non-negative.", nameof(relevance));
        }

        var dcg = retrieved.Distinct(StringComparer.Ordinal).Take(k)
            .Select((id, rank) => (Math.Pow(2, relevance.GetValueOrDefault(id)) - 1) / Math.Log2(rank + 2)).Sum();
        var ideal = relevance.Values.OrderDescending().Take(k).Select((g, rank) => (Math.Pow(2, g) - 1) / Math.Log2(rank + 2)).Sum();
        return ideal > 0 ? dcg / ideal : 0;
    }

    private static HashSet<string> Relevant(IEnumerable<string> relevant)
    {
        ArgumentNullException.ThrowIfNull(relevant);
        var set = relevant.ToHashSet(StringComparer.Ordinal);
        if (set.Count == 0)
        {
            throw new ArgumentException("Give at least one relevant id; recall and nDCG are undefined without one.", nameof(relevant));
        }

        return set;
    }
}
