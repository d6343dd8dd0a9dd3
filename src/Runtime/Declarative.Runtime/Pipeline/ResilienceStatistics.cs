namespace Declarative.Pipeline;

/// <summary>
/// A snapshot of what a resilient client did, from <c>client.GetService&lt;ResilienceStatistics&gt;()</c>. Every attempt
/// ends in exactly one of: a success, a retried fault, or a final failure, so
/// <c>Attempts == Successes + RetriedFaults + FinalFailures</c> once no call is in flight.
/// </summary>
public sealed record ResilienceStatistics
{
    /// <summary>Calls made to the resilient client.</summary>
    public long Calls { get; init; }

    /// <summary>Attempts sent to the inner client.</summary>
    public long Attempts { get; init; }

    /// <summary>Attempts that succeeded (one per successful call).</summary>
    public long Successes { get; init; }

    /// <summary>Attempts that failed and were retried.</summary>
    public long RetriedFaults { get; init; }

    /// <summary>Attempts whose failure was surfaced to the caller (not retryable, retries exhausted, cancelled, timed out).</summary>
    public long FinalFailures { get; init; }

    /// <summary>Retried faults by reason (<c>"429"</c>, <c>"503"</c>, <c>"connection-reset"</c>, <c>"attempt-timeout"</c>, …).</summary>
    public IReadOnlyDictionary<string, long> RetriesByReason { get; init; } = new Dictionary<string, long>();

    /// <summary>Calls refused because the circuit was open.</summary>
    public long CircuitRejections { get; init; }

    /// <summary>Total time spent in backoff and <c>Retry-After</c> waits.</summary>
    public TimeSpan RetryWait { get; init; }

    /// <summary>Total time attempts waited for a concurrency slot.</summary>
    public TimeSpan ConcurrencyWait { get; init; }

    /// <summary>Total time attempts waited for the tokens-per-minute limiter.</summary>
    public TimeSpan RateLimitWait { get; init; }
}
