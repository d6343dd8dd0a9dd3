namespace Declarative.Optimizers;

/// <summary>Progress of an evaluation, reported after each scored example.</summary>
/// <param name="Completed">How many examples are scored.</param>
/// <param name="Total">How many examples there are.</param>
/// <param name="ScoreSum">The sum of the scores so far.</param>
/// <param name="Errors">How many examples threw so far.</param>
public readonly record struct EvaluationProgress(int Completed, int Total, double ScoreSum, int Errors)
{
    /// <summary>The average score so far, in percent (0 before any example is scored).</summary>
    public double Percent => Completed == 0 ? 0 : Math.Round(ScoreSum / Completed * 100, 2);
}
