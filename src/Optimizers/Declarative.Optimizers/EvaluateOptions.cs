namespace Declarative.Optimizers;

/// <summary>How an <see cref="Evaluator"/> runs (DSPy's <c>Evaluate</c> arguments). Validated when the evaluator is built.</summary>
public sealed class EvaluateOptions
{
    /// <summary>The most examples run at once (DSPy's <c>num_threads</c>); default 8, at least 1.</summary>
    public int MaxParallelism { get; init; } = 8;

    /// <summary>The score given to an example whose program or metric threw (DSPy's <c>failure_score</c>); default 0. Such examples are counted, never dropped.</summary>
    public double FailureScore { get; init; }

    /// <summary>
    /// Receives a report after each scored example (DSPy's <c>display_progress</c>; a library does not write to the
    /// console, so the caller renders it). Called from worker threads; default none.
    /// </summary>
    public IProgress<EvaluationProgress>? Progress { get; init; }

    internal void Validate()
    {
        if (MaxParallelism < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxParallelism), MaxParallelism, "MaxParallelism must be at least 1.");
        }

        if (!double.IsFinite(FailureScore))
        {
            throw new ArgumentOutOfRangeException(nameof(FailureScore), FailureScore, "FailureScore must be a finite number, such as 0.");
        }
    }
}
