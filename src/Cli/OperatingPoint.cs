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
        (double Threshold, DetectionMetrics[] Metrics, double Mean)? best = null;
        foreach (var threshold in candidates)
        {
            var metrics = files.Select(f => DetectionMetrics.Of(f.Scores, f.Labels, threshold)).ToArray();
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
        var labels = new bool[benignScores.Count];
        return Candidates(benignScores).FirstOrDefault(t => DetectionMetrics.Of(benignScores, labels, t).FalsePositiveRate <= maxFalsePositiveRate, 0.99);
    }

    /// <summary>The midpoints between consecutive distinct scores, and 0.5, clamped to (0.01, 0.99), ascending.</summary>
    private static IEnumerable<double> Candidates(IEnumerable<double> scores)
    {
        var distinct = scores.Distinct().Order().ToArray();
        return distinct.Zip(distinct.Skip(1), (a, b) => (a + b) / 2).Append(0.5).Select(t => Math.Clamp(t, 0.01, 0.99)).Distinct().Order();
    }
}
