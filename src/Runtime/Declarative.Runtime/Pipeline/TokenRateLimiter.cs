namespace Declarative.Pipeline;

/// <summary>
/// A token bucket holding one minute's allowance, refilled continuously. Acquirers queue in order; a reservation is
/// reconciled with the actual usage afterwards (the bucket may go below zero, delaying later callers). Thread-safe.
/// </summary>
internal sealed class TokenRateLimiter(int tokensPerMinute, TimeProvider time) : IDisposable
{
    private readonly object gate = new();
    private readonly SemaphoreSlim queue = new(1, 1);
    private readonly double perSecond = tokensPerMinute / 60.0;
    private double available = tokensPerMinute;
    private long last = time.GetTimestamp();

    /// <summary>Waits until <paramref name="tokens"/> are available and takes them.</summary>
    /// <param name="tokens">The estimated tokens (capped at one minute's allowance).</param>
    /// <param name="cancellationToken">Stops the wait.</param>
    /// <returns>The tokens reserved, and how long the call waited.</returns>
    public async Task<(int Reserved, TimeSpan Waited)> AcquireAsync(int tokens, CancellationToken cancellationToken)
    {
        tokens = Math.Clamp(tokens, 0, tokensPerMinute);
        var start = time.GetTimestamp();
        await queue.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            while (true)
            {
                TimeSpan wait;
                lock (gate)
                {
                    Refill();
                    if (available >= tokens)
                    {
                        available -= tokens;
                        return (tokens, time.GetElapsedTime(start));
                    }

                    wait = TimeSpan.FromMilliseconds(Math.Ceiling((tokens - available) / perSecond * 1000));
                }

                await Task.Delay(wait, time, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            queue.Release();
        }
    }

    /// <summary>Replaces a reservation by what was actually used (0 for a failed attempt).</summary>
    /// <param name="reserved">The tokens reserved.</param>
    /// <param name="actual">The tokens used.</param>
    public void Reconcile(int reserved, int actual)
    {
        lock (gate)
        {
            Refill();
            available = Math.Min(tokensPerMinute, available + reserved - actual);
        }
    }

    public void Dispose() => queue.Dispose();

    private void Refill()
    {
        var now = time.GetTimestamp();
        available = Math.Min(tokensPerMinute, available + (time.GetElapsedTime(last, now).TotalSeconds * perSecond));
        last = now;
    }
}
