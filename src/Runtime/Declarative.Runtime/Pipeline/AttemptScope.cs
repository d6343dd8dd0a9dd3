namespace Declarative.Pipeline;

/// <summary>
/// One attempt's resources: its cancellation (the caller's token, the total timeout and the per-attempt timeout), its
/// concurrency slot and its token reservation. <see cref="Finish"/> gives them back; it is idempotent. A streaming
/// attempt keeps its scope after the first update (<see cref="Detach"/>) and finishes it when the stream ends.
/// </summary>
internal sealed class AttemptScope : IDisposable
{
    private readonly CancellationTokenSource cts;
    private readonly ITimer? timer;
    private readonly SemaphoreSlim? slot;
    private readonly TokenRateLimiter? limiter;
    private readonly int reserved;
    private int finished;
    private volatile bool timedOut;

    public AttemptScope(TimeProvider time, TimeSpan? timeout, SemaphoreSlim? slot, TokenRateLimiter? limiter, int reserved, CancellationToken callerToken, CancellationToken totalToken)
    {
        cts = CancellationTokenSource.CreateLinkedTokenSource(callerToken, totalToken);
        this.slot = slot;
        this.limiter = limiter;
        this.reserved = reserved;
        if (timeout is { } t)
        {
            timer = time.CreateTimer(
                static state =>
                {
                    var self = (AttemptScope)state!;
                    self.timedOut = true;
                    try
                    {
                        self.cts.Cancel();
                    }
                    catch (ObjectDisposedException)
                    {
                    }
                },
                this,
                t,
                Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>The token the inner call runs under.</summary>
    public CancellationToken Token => cts.Token;

    /// <summary>Whether the per-attempt timeout cancelled the attempt.</summary>
    public bool TimedOut => timedOut;

    /// <summary>Whether the attempt's owner (a stream) finishes the scope itself.</summary>
    public bool Detached { get; private set; }

    /// <summary>Keeps the scope alive after the attempt returns; the per-attempt timeout stops.</summary>
    public void Detach()
    {
        timer?.Dispose();
        Detached = true;
    }

    /// <summary>Reconciles the token reservation and releases the slot.</summary>
    /// <param name="actualTokens">The tokens the attempt used (0 when it failed); <see langword="null"/> keeps the estimate.</param>
    public void Finish(int? actualTokens)
    {
        if (Interlocked.Exchange(ref finished, 1) != 0)
        {
            return;
        }

        timer?.Dispose();
        limiter?.Reconcile(reserved, actualTokens ?? reserved);
        slot?.Release();
        cts.Dispose();
    }

    public void Dispose() => Finish(0);
}
