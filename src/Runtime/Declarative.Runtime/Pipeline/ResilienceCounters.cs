namespace Declarative.Pipeline;

/// <summary>The mutable, thread-safe counters behind <see cref="ResilienceStatistics"/>.</summary>
internal sealed class ResilienceCounters
{
    private readonly object gate = new();
    private readonly Dictionary<string, long> retriesByReason = new(StringComparer.Ordinal);
    private long calls;
    private long attempts;
    private long successes;
    private long retriedFaults;
    private long finalFailures;
    private long circuitRejections;
    private TimeSpan retryWait;
    private TimeSpan concurrencyWait;
    private TimeSpan rateLimitWait;

    public void Call() => Interlocked.Increment(ref calls);

    public void Attempt() => Interlocked.Increment(ref attempts);

    public void Success() => Interlocked.Increment(ref successes);

    public void FinalFailure() => Interlocked.Increment(ref finalFailures);

    public void CircuitRejection()
    {
        Interlocked.Increment(ref circuitRejections);
        Declarative.Tracing.DeclarativeDiagnostics.CircuitRejections.Add(1);
    }

    public void Retried(string reason, TimeSpan wait)
    {
        Declarative.Tracing.DeclarativeDiagnostics.Retries.Add(1, new KeyValuePair<string, object?>("declarative.retry.reason", reason));
        lock (gate)
        {
            retriedFaults++;
            retriesByReason[reason] = retriesByReason.GetValueOrDefault(reason) + 1;
            retryWait += wait;
        }
    }

    public void ConcurrencyWaited(TimeSpan wait)
    {
        lock (gate)
        {
            concurrencyWait += wait;
        }
    }

    public void RateLimitWaited(TimeSpan wait)
    {
        lock (gate)
        {
            rateLimitWait += wait;
        }
    }

    public ResilienceStatistics Snapshot()
    {
        lock (gate)
        {
            return new ResilienceStatistics
            {
                Calls = Interlocked.Read(ref calls),
                Attempts = Interlocked.Read(ref attempts),
                Successes = Interlocked.Read(ref successes),
                RetriedFaults = retriedFaults,
                FinalFailures = Interlocked.Read(ref finalFailures),
                RetriesByReason = new Dictionary<string, long>(retriesByReason, StringComparer.Ordinal),
                CircuitRejections = Interlocked.Read(ref circuitRejections),
                RetryWait = retryWait,
                ConcurrencyWait = concurrencyWait,
                RateLimitWait = rateLimitWait,
            };
        }
    }
}
