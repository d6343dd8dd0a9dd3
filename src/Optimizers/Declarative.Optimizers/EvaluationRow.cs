namespace Declarative.Optimizers;

/// <summary>One example's outcome in an <see cref="EvaluationResult"/>.</summary>
public sealed class EvaluationRow
{
    internal EvaluationRow(int index, Example example, Prediction? prediction, double score, string? feedback, string? error)
    {
        Index = index;
        Example = example;
        Prediction = prediction;
        Score = score;
        Feedback = feedback;
        Error = error;
    }

    /// <summary>The example's position in the dataset (0-based).</summary>
    public int Index { get; }

    /// <summary>The example.</summary>
    public Example Example { get; }

    /// <summary>The example's inputs.</summary>
    public IReadOnlyDictionary<string, object?> Inputs => Example.Inputs();

    /// <summary>What the program produced, or <see langword="null"/> when it threw.</summary>
    public Prediction? Prediction { get; }

    /// <summary>The prediction's output values (empty when the program threw).</summary>
    public IReadOnlyDictionary<string, object?> Outputs => Prediction?.Values ?? new Dictionary<string, object?>();

    /// <summary>The metric's score, or the failure score when the program or metric threw.</summary>
    public double Score { get; }

    /// <summary>The metric's feedback, if any.</summary>
    public string? Feedback { get; }

    /// <summary>The error message when the program or metric threw; otherwise <see langword="null"/>.</summary>
    public string? Error { get; }
}
