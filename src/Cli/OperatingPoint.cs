using Declarative.Guards;

namespace Declarative.Cli;

/// <summary>Chooses a classifier's operating point on a validation set.</summary>
internal static class OperatingPoint
{
    /// <summary>
    /// The threshold with the best mean balanced accuracy over the validation files (one or several) among those whose
    /// false-positive rate is at most <paramref name="maxFalsePositiveRate"/> on EACH file's benign rows (ties: the
    /// lower threshold, which flags more). Candidate thresholds are the midpoints between consecutive distinct scores
    /// of all files, and 0.5, clamped to (0.01, 0.99); when none meets the bound, 0.99.
    /// </summary>
    public static (double Threshold, DetectionMetrics[] Metrics) Choose(IReadOnlyList<(double[] Scores, bool[] Labels)> files, double maxFalsePositiveRate)
    {
        // A file of benign texts only (documents of a kind the detector must not flag) bounds the false positives and
        // takes no part in the mean balanced accuracy; at least one file must have both classes.
        if (files.Any(f => !f.Labels.Contains(false)) || !files.Any(f => f.Labels.Contains(true)))
        {
            throw new CliException(files.Count == 1
                ? "--validation needs both injections and benign texts to choose an operating point."
                : "Each --validation file needs benign texts, and one of them injections too, to choose an operating point.");
        }

        var candidates = Candidates(files.SelectMany(f => f.Scores));
        var sorted = files.Select(f => new SortedScores(f.Scores, f.Labels)).ToArray();
        (double Threshold, DetectionMetrics[] Metrics, double Mean)? best = null;
        foreach (var threshold in candidates)
        {
            var metrics = sorted.Select(f => f.At(threshold)).ToArray();
            var mean = metrics.Where(m => m.Positives > 0).Average(m => m.BalancedAccuracy);
            if (metrics.All(m => m.FalsePositiveRate <= maxFalsePositiveRate) && (best is null || mean > best.Value.Mean))
            {
                best = (threshold, metrics, mean);
            }
        }

        return best is { } b ? (b.Threshold, b.Metrics) : (0.99, files.Select(f => DetectionMetrics.Of(f.Scores, f.Labels, 0.99)).ToArray());
    }

    /// <summary>
    /// For benign texts only (a team's own traffic): the lowest threshold, among the same candidates as
    /// <see cref="Choose"/>, that flags at most <paramref name="maxFalsePositiveRate"/> of them; 0.99 when none does.
    /// </summary>
    public static double Lowest(IReadOnlyList<double> benignScores, double maxFalsePositiveRate)
    {
        var sorted = new SortedScores([.. benignScores], new bool[benignScores.Count]);
        return Candidates(benignScores).FirstOrDefault(t => sorted.At(t).FalsePositiveRate <= maxFalsePositiveRate, 0.99);
    }

    /// <summary>The midpoints between consecutive distinct scores, and 0.5, clamped to (0.01, 0.99), ascending.</summary>
    private static IEnumerable<double> Candidates(IEnumerable<double> scores)
    {
        var distinct = scores.Distinct().Order().ToArray();
        return distinct.Zip(distinct.Skip(1), (a, b) => (a + b) / 2).Append(0.5).Select(t => Math.Clamp(t, 0.01, 0.99)).Distinct().Order();
    }

    /// <summary>
    /// One file's scores by class, sorted, so that the figures at a threshold (as <see cref="DetectionMetrics.Of"/>
    /// computes them) cost two binary searches instead of a pass over the file: a sweep over every candidate threshold
    /// of a large traffic file stays O(n log n).
    /// </summary>
    private sealed class SortedScores
    {
        private readonly double[] positives;
        private readonly double[] negatives;

        public SortedScores(double[] scores, bool[] labels)
        {
            positives = [.. scores.Where((_, i) => labels[i]).Order()];
            negatives = [.. scores.Where((_, i) => !labels[i]).Order()];
        }

        public DetectionMetrics At(double threshold)
        {
            int p = positives.Length, n = negatives.Length;
            int tp = AtLeast(positives, threshold), fp = AtLeast(negatives, threshold);
            return new DetectionMetrics(p, n, p == 0 ? 0 : (double)tp / p, n == 0 ? 0 : (double)fp / n);
        }

        /// <summary>How many of the ascending <paramref name="sorted"/> are at least <paramref name="threshold"/>.</summary>
        private static int AtLeast(double[] sorted, double threshold)
        {
            int low = 0, high = sorted.Length;
            while (low < high)
            {
                var mid = (low + high) / 2;
                if (sorted[mid] >= threshold)
                {
                    high = mid;
                }
                else
                {
                    low = mid + 1;
                }
            }

            return sorted.Length - low;
        }
    }
}
