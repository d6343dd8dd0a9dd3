namespace Declarative.Pipeline;

/// <summary>
/// A call that ran out of <see cref="ResilienceOptions.TotalTimeout"/>, attempts and waits included. Raise the timeout,
/// lower <see cref="ResilienceOptions.MaxRetries"/>, or look at <see cref="Exception.InnerException"/> (the last attempt's error).
/// </summary>
public sealed class ResilienceTimeoutException : TimeoutException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="timeout">The total timeout that ran out.</param>
    /// <param name="attempts">How many attempts were started.</param>
    /// <param name="lastFailure">The last attempt's error, if any.</param>
    public ResilienceTimeoutException(TimeSpan timeout, int attempts, Exception? lastFailure)
        : base($"The call did not complete within the total timeout of {timeout} ({attempts} attempt(s)); raise ResilienceOptions.TotalTimeout or lower MaxRetries.", lastFailure)
    {
        Timeout = timeout;
        Attempts = attempts;
    }

    /// <summary>Creates the exception.</summary>
    public ResilienceTimeoutException()
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    public ResilienceTimeoutException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public ResilienceTimeoutException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The total timeout that ran out.</summary>
    public TimeSpan Timeout { get; }

    /// <summary>How many attempts were started.</summary>
    public int Attempts { get; }
}
