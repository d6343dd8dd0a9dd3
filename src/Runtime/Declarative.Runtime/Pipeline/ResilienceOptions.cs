using Microsoft.Extensions.AI;

namespace Declarative.Pipeline;

/// <summary>
/// One resilience policy for every provider, applied by <c>UseResilience</c>: retries with exponential backoff and full
/// jitter (honouring <c>Retry-After</c>), a per-attempt and a total timeout, a concurrency limit, a tokens-per-minute
/// limiter and a circuit breaker. Each part is off when its setting is <see langword="null"/>. Validated once, when the
/// client is built; do not change it afterwards.
/// </summary>
public sealed class ResilienceOptions
{
    /// <summary>How many times a failed attempt is retried (so at most this plus one attempts); default 3; 0 disables retries.</summary>
    public int MaxRetries { get; set; } = 3;

    /// <summary>The backoff before the first retry, doubled for each further one (before jitter); default 1 second.</summary>
    public TimeSpan BaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The largest computed backoff (before jitter); default 30 seconds. <c>Retry-After</c> is not capped by it.</summary>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Full jitter: when <see langword="true"/> (the default) each backoff is drawn uniformly from zero to the computed
    /// delay, from a <see cref="Random"/> seeded with <see cref="Seed"/>; when <see langword="false"/> it is the computed delay.
    /// </summary>
    public bool UseJitter { get; set; } = true;

    /// <summary>The seed of the jitter; default 0, so that runs are reproducible.</summary>
    public int Seed { get; set; }

    /// <summary>
    /// The longest <c>Retry-After</c> that is waited for; a longer one surfaces the error at once; default 2 minutes.
    /// </summary>
    public TimeSpan MaxRetryAfter { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>The time one attempt may take; one that runs over is cancelled and retried; default none.</summary>
    public TimeSpan? AttemptTimeout { get; set; }

    /// <summary>
    /// The time a whole call may take, all attempts and waits included; when it runs out the call fails with
    /// <see cref="ResilienceTimeoutException"/>; default none.
    /// </summary>
    public TimeSpan? TotalTimeout { get; set; }

    /// <summary>The most attempts in flight at once through this client; others wait (cancellably); default no limit.</summary>
    public int? MaxConcurrency { get; set; }

    /// <summary>
    /// Tokens per minute allowed to the provider. Each attempt reserves its estimated tokens (prompt estimate plus
    /// <c>ChatOptions.MaxOutputTokens</c>) and waits while the minute's allowance is spent; the reservation is reconciled
    /// with the response's usage. Default no limit.
    /// </summary>
    public int? TokensPerMinute { get; set; }

    /// <summary>Estimates a request's prompt tokens; default the characters of the messages' text divided by four, rounded up.</summary>
    public Func<IEnumerable<ChatMessage>, int>? TokenEstimator { get; set; }

    /// <summary>Opens the circuit after this many consecutive failed attempts; default 5; <see langword="null"/> to rely on the ratio only.</summary>
    public int? BreakAfterConsecutiveFailures { get; set; } = 5;

    /// <summary>
    /// Opens the circuit when at least this fraction (0–1] of the attempts within <see cref="BreakSamplingWindow"/> failed
    /// (and there were at least <see cref="BreakMinimumThroughput"/>); default none.
    /// </summary>
    public double? BreakFailureRatio { get; set; }

    /// <summary>The window over which <see cref="BreakFailureRatio"/> is measured; default 30 seconds.</summary>
    public TimeSpan BreakSamplingWindow { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The fewest attempts in the window before the ratio can open the circuit; default 10.</summary>
    public int BreakMinimumThroughput { get; set; } = 10;

    /// <summary>How long the circuit stays open before one probe is let through (half-open); default 30 seconds.</summary>
    public TimeSpan BreakDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Classifies a failed attempt. Return <see langword="null"/> to fall back to <see cref="TransientFaults.Classify"/>;
    /// an exception neither recognises is surfaced. Default none.
    /// </summary>
    public Func<Exception, RetryDecision?>? Classifier { get; set; }

    /// <summary>The clock for backoffs, timeouts, the rate limiter and the breaker; default <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Checks the settings; called once when the client is built.</summary>
    /// <exception cref="ArgumentException">A setting is out of range; the message names it.</exception>
    internal void Validate()
    {
        Require(MaxRetries >= 0, nameof(MaxRetries), "must be zero or more");
        Require(BaseDelay >= TimeSpan.Zero, nameof(BaseDelay), "cannot be negative");
        Require(MaxDelay >= BaseDelay, nameof(MaxDelay), "must be at least BaseDelay");
        Require(MaxRetryAfter >= TimeSpan.Zero, nameof(MaxRetryAfter), "cannot be negative");
        Require(AttemptTimeout is null || AttemptTimeout > TimeSpan.Zero, nameof(AttemptTimeout), "must be positive or null");
        Require(TotalTimeout is null || TotalTimeout > TimeSpan.Zero, nameof(TotalTimeout), "must be positive or null");
        Require(MaxConcurrency is null || MaxConcurrency > 0, nameof(MaxConcurrency), "must be positive or null");
        Require(TokensPerMinute is null || TokensPerMinute > 0, nameof(TokensPerMinute), "must be positive or null");
        Require(BreakAfterConsecutiveFailures is null || BreakAfterConsecutiveFailures > 0, nameof(BreakAfterConsecutiveFailures), "must be positive or null");
        Require(BreakFailureRatio is null || BreakFailureRatio is > 0 and <= 1, nameof(BreakFailureRatio), "must be in (0, 1] or null");
        Require(BreakSamplingWindow > TimeSpan.Zero, nameof(BreakSamplingWindow), "must be positive");
        Require(BreakMinimumThroughput > 0, nameof(BreakMinimumThroughput), "must be positive");
        Require(BreakDuration > TimeSpan.Zero, nameof(BreakDuration), "must be positive");
        Require(TimeProvider is not null, nameof(TimeProvider), "cannot be null");
    }

    private static void Require(bool condition, string name, string rule)
    {
        if (!condition)
        {
            throw new ArgumentException($"ResilienceOptions.{name} {rule}; fix it before building the client.", name);
        }
    }
}
