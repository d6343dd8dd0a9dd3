namespace Declarative.Optimizers;

/// <summary>The outcome of a <see cref="Metric"/>: a score (1 or 0 for pass/fail metrics) and optional feedback text.</summary>
public readonly record struct MetricResult
{
    /// <summary>Creates a result.</summary>
    /// <param name="score">The score, usually between 0 and 1; must be a finite number.</param>
    /// <param name="feedback">Why the prediction got this score (used by reflective optimizers), or <see langword="null"/>.</param>
    public MetricResult(double score, string? feedback = null)
    {
        if (!double.IsFinite(score))
        {
            throw new ArgumentOutOfRangeException(nameof(score), score, "A metric score must be a finite number; return 0 for a failed prediction.");
        }

        Score = score;
        Feedback = feedback;
    }

    /// <summary>The score, usually between 0 and 1.</summary>
    public double Score { get; }

    /// <summary>Why the prediction got this score, or <see langword="null"/>.</summary>
    public string? Feedback { get; }

    /// <summary>A pass (1) or fail (0).</summary>
    /// <param name="passed">Whether the prediction passed.</param>
    public static implicit operator MetricResult(bool passed) => new(passed ? 1 : 0);

    /// <summary>A score without feedback.</summary>
    /// <param name="score">The score.</param>
    public static implicit operator MetricResult(double score) => new(score);

    /// <summary>A pass (1) or fail (0).</summary>
    /// <param name="passed">Whether the prediction passed.</param>
    /// <returns>The result.</returns>
    public static MetricResult FromBoolean(bool passed) => passed;

    /// <summary>A score without feedback.</summary>
    /// <param name="score">The score.</param>
    /// <returns>The result.</returns>
    public static MetricResult FromDouble(double score) => score;
}
