namespace Declarative.Optimizers;

/// <summary>
/// The outcome of an evaluation: the average score in percent (as DSPy reports it, rounded to two decimals) and one
/// row per example in dataset order. <see cref="ToCsv"/>, <see cref="ToJson"/> and <see cref="ToHtml"/> export it.
/// </summary>
public sealed partial class EvaluationResult
{
    internal EvaluationResult(IReadOnlyList<EvaluationRow> rows)
    {
        Rows = rows;
        Score = Rollouts.Percent(rows.Select(r => r.Score));
        ErrorCount = rows.Count(r => r.Error is not null);
    }

    /// <summary>The average score over all examples, in percent, rounded to two decimals (0 for an empty dataset).</summary>
    public double Score { get; }

    /// <summary>How many examples were evaluated (failed ones included).</summary>
    public int Count => Rows.Count;

    /// <summary>How many examples threw (and got the failure score).</summary>
    public int ErrorCount { get; }

    /// <summary>One row per example, in dataset order.</summary>
    public IReadOnlyList<EvaluationRow> Rows { get; }
}
