namespace Declarative;

/// <summary>More items of a <see cref="ParallelRunner"/> run failed than <see cref="ParallelRunnerOptions.MaxErrors"/> allows.</summary>
public sealed class ParallelExecutionException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="maxErrors">The limit.</param>
    /// <param name="errors">The failed items so far, by index.</param>
    public ParallelExecutionException(int maxErrors, IReadOnlyList<ParallelResult> errors)
        : base($"{errors?.Count} items failed, more than MaxErrors ({maxErrors}); the run was stopped. First error (item {errors?.FirstOrDefault()?.Index}): {errors?.FirstOrDefault()?.Error?.Message}. Fix the failing items or raise ParallelRunnerOptions.MaxErrors.", errors?.FirstOrDefault()?.Error)
    {
        Failures = errors ?? [];
    }

    /// <summary>Creates the exception.</summary>
    public ParallelExecutionException() => Failures = [];

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    public ParallelExecutionException(string message)
        : base(message) => Failures = [];

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public ParallelExecutionException(string message, Exception innerException)
        : base(message, innerException) => Failures = [];

    /// <summary>The failed items, in index order.</summary>
    public IReadOnlyList<ParallelResult> Failures { get; }
}
