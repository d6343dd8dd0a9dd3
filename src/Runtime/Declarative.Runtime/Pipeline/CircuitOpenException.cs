namespace Declarative.Pipeline;

/// <summary>
/// A call refused without being sent because the circuit breaker is open after repeated provider failures. Wait until
/// <see cref="ClosesAt"/> (when one probe call is let through) or lower the load on the provider.
/// </summary>
public sealed class CircuitOpenException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="closesAt">When the breaker lets a probe call through.</param>
    /// <param name="lastFailure">The failure that opened the circuit, if known.</param>
    public CircuitOpenException(DateTimeOffset closesAt, Exception? lastFailure = null)
        : base($"The circuit breaker is open after repeated provider failures; calls fail fast until {closesAt:O}, when one probe call is let through. Wait, or reduce the load on the provider.", lastFailure) =>
        ClosesAt = closesAt;

    /// <summary>Creates the exception.</summary>
    public CircuitOpenException()
        : base("The circuit breaker is open.")
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    public CircuitOpenException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public CircuitOpenException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>When the breaker lets a probe call through (half-open).</summary>
    public DateTimeOffset ClosesAt { get; }
}
