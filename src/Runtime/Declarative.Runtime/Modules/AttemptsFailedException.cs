namespace Declarative;

/// <summary>Every attempt of a <see cref="BestOfN{TModule}"/> or <see cref="Refine{TModule}"/> run failed, each within the tolerated fail count.</summary>
public sealed class AttemptsFailedException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="errors">The error of each attempt, in order.</param>
    public AttemptsFailedException(IReadOnlyList<Exception> errors)
        : base($"All {errors?.Count} attempts failed; the last error was: {errors?.LastOrDefault()?.Message}. Fix the module or its inputs (see Errors).", errors?.LastOrDefault())
    {
        Errors = errors ?? [];
    }

    /// <summary>Creates the exception.</summary>
    public AttemptsFailedException() => Errors = [];

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    public AttemptsFailedException(string message)
        : base(message) => Errors = [];

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public AttemptsFailedException(string message, Exception innerException)
        : base(message, innerException) => Errors = [innerException];

    /// <summary>The error of each attempt, in order.</summary>
    public IReadOnlyList<Exception> Errors { get; }
}
