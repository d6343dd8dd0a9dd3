namespace Declarative.Pipeline;

/// <summary>
/// Closed → open (after N consecutive failures or a failure ratio in a window) → half-open after the break duration
/// (one probe let through) → closed on the probe's success, open again on its failure. Thread-safe.
/// </summary>
internal sealed class CircuitBreaker(ResilienceOptions options)
{
    private readonly object gate = new();
    private readonly Queue<(DateTimeOffset At, bool Failed)> window = new();
    private readonly TimeProvider time = options.TimeProvider;
    private CircuitState state;
    private int consecutiveFailures;
    private DateTimeOffset openUntil;
    private bool probeInFlight;
    private Exception? lastFailure;

    private enum CircuitState
    {
        Closed,
        Open,
        HalfOpen,
    }

    /// <summary>Lets an attempt through, or throws <see cref="CircuitOpenException"/>.</summary>
    public void Enter()
    {
        lock (gate)
        {
            var now = time.GetUtcNow();
            if (state == CircuitState.Open && now >= openUntil)
            {
                state = CircuitState.HalfOpen;
                probeInFlight = false;
            }

            switch (state)
            {
                case CircuitState.Closed:
                    return;
                case CircuitState.HalfOpen when !probeInFlight:
                    probeInFlight = true;
                    return;
                default:
                    throw new CircuitOpenException(state == CircuitState.Open ? openUntil : now + options.BreakDuration, lastFailure);
            }
        }
    }

    /// <summary>Records a successful attempt.</summary>
    public void Success()
    {
        lock (gate)
        {
            if (state == CircuitState.HalfOpen)
            {
                window.Clear();
            }

            state = CircuitState.Closed;
            probeInFlight = false;
            consecutiveFailures = 0;
            Sample(false);
        }
    }

    /// <summary>Records a failed attempt (a transient fault or a timeout).</summary>
    /// <param name="error">The failure.</param>
    public void Failure(Exception error)
    {
        lock (gate)
        {
            lastFailure = error;
            if (state == CircuitState.HalfOpen)
            {
                Open();
                return;
            }

            consecutiveFailures++;
            Sample(true);
            var failures = window.Count(s => s.Failed);
            if (consecutiveFailures >= options.BreakAfterConsecutiveFailures
                || (options.BreakFailureRatio is { } ratio && window.Count >= options.BreakMinimumThroughput && failures >= ratio * window.Count))
            {
                Open();
            }
        }
    }

    /// <summary>Records an attempt that says nothing about the provider's health (cancelled, a client error).</summary>
    public void Neutral()
    {
        lock (gate)
        {
            probeInFlight = false;
        }
    }

    private void Open()
    {
        state = CircuitState.Open;
        openUntil = time.GetUtcNow() + options.BreakDuration;
        probeInFlight = false;
        consecutiveFailures = 0;
        window.Clear();
    }

    private void Sample(bool failed)
    {
        if (options.BreakFailureRatio is null)
        {
            return;
        }

        var now = time.GetUtcNow();
        window.Enqueue((now, failed));
        while (window.Count > 0 && now - window.Peek().At > options.BreakSamplingWindow)
        {
            window.Dequeue();
        }
    }
}
