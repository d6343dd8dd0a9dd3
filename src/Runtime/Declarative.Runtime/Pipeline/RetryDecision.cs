namespace Declarative.Pipeline;

/// <summary>
/// What to do about a failed attempt: retry it (after the provider's <c>Retry-After</c> when it gave one) or surface
/// the error. Returned by <see cref="ResilienceOptions.Classifier"/> and by <see cref="TransientFaults.Classify"/>.
/// </summary>
public sealed record RetryDecision
{
    private RetryDecision(bool shouldRetry, string reason, TimeSpan? retryAfter)
    {
        ShouldRetry = shouldRetry;
        Reason = reason;
        RetryAfter = retryAfter;
    }

    /// <summary>Whether the attempt may be retried.</summary>
    public bool ShouldRetry { get; }

    /// <summary>A short label for the fault (<c>"429"</c>, <c>"503"</c>, <c>"connection-reset"</c>, …), used in statistics.</summary>
    public string Reason { get; }

    /// <summary>The wait the provider asked for (<c>Retry-After</c>); when set it replaces the computed backoff.</summary>
    public TimeSpan? RetryAfter { get; }

    /// <summary>Retries the attempt.</summary>
    /// <param name="reason">A short label for the fault.</param>
    /// <param name="retryAfter">The wait the provider asked for, if any.</param>
    /// <returns>The decision.</returns>
    public static RetryDecision Retry(string reason, TimeSpan? retryAfter = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(reason);
        if (retryAfter < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(retryAfter), retryAfter, "Retry-After cannot be negative.");
        }

        return new RetryDecision(true, reason, retryAfter);
    }

    /// <summary>Surfaces the error at once.</summary>
    /// <param name="reason">A short label for the fault.</param>
    /// <returns>The decision.</returns>
    public static RetryDecision DoNotRetry(string reason)
    {
        ArgumentException.ThrowIfNullOrEmpty(reason);
        return new RetryDecision(false, reason, null);
    }
}
