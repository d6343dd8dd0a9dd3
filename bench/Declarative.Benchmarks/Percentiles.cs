namespace Declarative.Benchmarks;

/// <summary>
/// The one rule every harness here uses for quantiles of timings: the nearest-rank percentile of the sorted values
/// (the value at rank ⌈q·n⌉), so p50 of an even count is the lower middle, p99 of 100 values is the 99th, and max is
/// p100. Medians of a few rounds (odd counts in every harness) are the middle value.
/// </summary>
internal static class Percentiles
{
    /// <summary>The nearest-rank <paramref name="q"/>-quantile of <paramref name="sorted"/> (ascending); 0 when empty.</summary>
    public static double Of(IReadOnlyList<double> sorted, double q)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(q, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(q, 1);
        return sorted.Count == 0 ? 0 : sorted[Math.Clamp((int)Math.Ceiling(q * sorted.Count) - 1, 0, sorted.Count - 1)];
    }

    /// <summary>Sorts <paramref name="values"/> in place and returns them.</summary>
    public static List<double> Sorted(List<double> values)
    {
        values.Sort();
        return values;
    }
}
