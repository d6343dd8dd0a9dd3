namespace Declarative.Pipeline;

/// <summary>
/// The retry loop shared by the resilient chat client and embedding generator: circuit breaker → concurrency slot →
/// token allowance → attempt (with its timeout) → classify → back off, all under the total timeout. Thread-safe.
/// </summary>
internal sealed class ResilienceStrategy : IDisposable
{
    private readonly ResilienceOptions options;
    private readonly TimeProvider time;
    private readonly CircuitBreaker? breaker;
    private readonly TokenRateLimiter? limiter;
    private readonly SemaphoreSlim? concurrency;
    private readonly Random random;

    public ResilienceStrategy(ResilienceOptions options)
    {
        this.options = options;
        time = options.TimeProvider;
        breaker = options.BreakAfterConsecutiveFailures is null && options.BreakFailureRatio is null ? null : new CircuitBreaker(options);
        limiter = options.TokensPerMinute is { } tpm ? new TokenRateLimiter(tpm, time) : null;
        concurrency = options.MaxConcurrency is { } max ? new SemaphoreSlim(max, max) : null;
        random = new Random(options.Seed);
    }

    public ResilienceCounters Counters { get; } = new();

    /// <summary>
    /// Runs <paramref name="attempt"/> until it succeeds, fails for good, or time runs out. The attempt gets its scope
    /// (token, timeout); unless it detaches the scope, the scope is finished when the attempt returns.
    /// </summary>
    public async Task<T> ExecuteAsync<T>(Func<AttemptScope, Task<T>> attempt, int estimatedTokens, Func<T, int?> actualTokens, CancellationToken cancellationToken)
    {
        Counters.Call();
        using var totalTimeout = options.TotalTimeout is { } limit ? new CancellationTokenSource(limit, time) : null;
        var totalToken = totalTimeout?.Token ?? CancellationToken.None;
        using var total = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, totalToken);
        var token = total.Token;
        Exception? lastFailure = null;
        var attempts = 0;
        try
        {
            for (var retry = 0; ; retry++)
            {
                EnterBreaker();
                var delay = TimeSpan.Zero;
                var slotStart = time.GetTimestamp();
                if (concurrency is not null)
                {
                    await concurrency.WaitAsync(token).ConfigureAwait(false);
                    Counters.ConcurrencyWaited(time.GetElapsedTime(slotStart));
                }

                AttemptScope? scope = null;
                try
                {
                    var reserved = 0;
                    if (limiter is not null)
                    {
                        (reserved, var waited) = await limiter.AcquireAsync(estimatedTokens, token).ConfigureAwait(false);
                        Counters.RateLimitWaited(waited);
                    }

                    scope = new AttemptScope(time, options.AttemptTimeout, concurrency, limiter, reserved, cancellationToken, totalToken);
                    Counters.Attempt();
                    attempts++;
                    try
                    {
                        var result = await attempt(scope).ConfigureAwait(false);
                        if (!scope.Detached)
                        {
                            scope.Finish(actualTokens(result));
                        }

                        breaker?.Success();
                        Counters.Success();
                        return result;
                    }
                    catch (Exception e)
                    {
                        var timedOut = scope.TimedOut && !token.IsCancellationRequested;
                        scope.Finish(0);
                        if (token.IsCancellationRequested && !timedOut)
                        {
                            breaker?.Neutral();
                            Counters.FinalFailure();
                            throw;
                        }

                        var error = timedOut ? new TimeoutException($"The attempt did not complete within ResilienceOptions.AttemptTimeout ({options.AttemptTimeout}).", e) : e;
                        var decision = timedOut ? RetryDecision.Retry("attempt-timeout") : Classify(e);
                        if (decision is not { ShouldRetry: true })
                        {
                            breaker?.Neutral();
                            Counters.FinalFailure();
                            if (timedOut)
                            {
                                throw error;
                            }

                            throw;
                        }

                        breaker?.Failure(error);
                        if (retry >= options.MaxRetries || decision.RetryAfter > options.MaxRetryAfter)
                        {
                            Counters.FinalFailure();
                            if (timedOut)
                            {
                                throw error;
                            }

                            throw;
                        }

                        delay = decision.RetryAfter ?? Backoff(retry);
                        Counters.Retried(decision.Reason, delay);
                        lastFailure = error;
                    }
                }
                finally
                {
                    if (scope is null)
                    {
                        concurrency?.Release();
                    }
                }

                if (delay > TimeSpan.Zero)
                {
                    await Task.Delay(delay, time, token).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException e) when (totalTimeout?.IsCancellationRequested == true && !cancellationToken.IsCancellationRequested)
        {
            throw new ResilienceTimeoutException(options.TotalTimeout!.Value, attempts, lastFailure ?? e);
        }
    }

    public void Dispose()
    {
        limiter?.Dispose();
        concurrency?.Dispose();
    }

    private void EnterBreaker()
    {
        try
        {
            breaker?.Enter();
        }
        catch (CircuitOpenException)
        {
            Counters.CircuitRejection();
            throw;
        }
    }

    private RetryDecision? Classify(Exception e) =>
        options.Classifier?.Invoke(e) ?? TransientFaults.Classify(e, time.GetUtcNow());

    private TimeSpan Backoff(int retry)
    {
        var cap = Math.Min(options.MaxDelay.TotalMilliseconds, options.BaseDelay.TotalMilliseconds * Math.Pow(2, Math.Min(retry, 30)));
        if (!options.UseJitter)
        {
            return TimeSpan.FromMilliseconds(cap);
        }

        double fraction;
        lock (random)
        {
            fraction = random.NextDouble();
        }

        return TimeSpan.FromMilliseconds(Math.Floor(fraction * cap));
    }
}
