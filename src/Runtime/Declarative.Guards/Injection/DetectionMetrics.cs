namespace Declarative.Guards;

/// <summary>Binary detection figures: balanced accuracy, false-positive and true-positive rates.</summary>
/// <param name="Positives">Attacks in the set.</param>
/// <param name="Negatives">Benign texts in the set.</param>
/// <param name="TruePositiveRate">Attacks flagged / attacks.</param>
/// <param name="FalsePositiveRate">Benign texts flagged / benign texts.</param>
internal sealed record DetectionMetrics(int Positives, int Negatives, double TruePositiveRate, double FalsePositiveRate)
{
    /// <summary>The mean of the true-positive and true-negative rates.</summary>
    public double BalancedAccuracy => (TruePositiveRate + (1 - FalsePositiveRate)) / 2;

    /// <summary>Computes the figures of scores against labels at a threshold.</summary>
    public static DetectionMetrics Of(IReadOnlyList<double> scores, IReadOnlyList<bool> labels, double threshold = 0.5)
    {
        int tp = 0, fp = 0, p = 0, n = 0;
        for (var i = 0; i < scores.Count; i++)
        {
            var flagged = scores[i] >= threshold;
            if (labels[i])
            {
                p++;
                tp += flagged ? 1 : 0;
            }
            else
            {
                n++;
                fp += flagged ? 1 : 0;
            }
        }

        return new DetectionMetrics(p, n, p == 0 ? 0 : (double)tp / p, n == 0 ? 0 : (double)fp / n);
    }
}
