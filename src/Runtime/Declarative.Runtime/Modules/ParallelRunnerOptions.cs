namespace Declarative;

/// <summary>Options of <see cref="ParallelRunner"/>; validated once when the runner is built.</summary>
public sealed class ParallelRunnerOptions
{
    /// <summary>How many items run at once (default 8, DSPy's <c>num_threads</c> default).</summary>
    public int MaxParallelism { get; init; } = 8;

    /// <summary>
    /// How many items may fail before the run stops (default 10, as DSPy's <c>max_errors</c>); the failure after that
    /// cancels the items still running and throws <see cref="ParallelExecutionException"/>. <see langword="null"/> for no limit.
    /// </summary>
    public int? MaxErrors { get; init; } = 10;

    internal void Validate()
    {
        if (MaxParallelism < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxParallelism), MaxParallelism, "ParallelRunnerOptions.MaxParallelism must be at least 1.");
        }

        if (MaxErrors is < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxErrors), MaxErrors, "ParallelRunnerOptions.MaxErrors must be 0 or more (null for no limit).");
        }
    }
}
