using System.Collections.Concurrent;

namespace Declarative.Guards;

/// <summary>
/// Per-key token buckets of one minute's allowance for requests and prompt tokens, refilled continuously from the
/// injected clock. Unlike the runtime's TokenRateLimiter (which makes a caller wait for a provider's limit), a guard
/// refuses at once: a user over their allowance gets an error, not a queue. Thread-safe.
/// </summary>
/// <remarks>
/// A bucket that has refilled completely is the same as a new one: at most once a minute an acquisition sweeps such
/// buckets away, so memory follows the keys active in about the last minute (longer for a key whose tokens are
/// overdrawn by a large request, which keeps its debt), not every key ever seen.
/// </remarks>
internal sealed class KeyRateLimiter(int? requestsPerMinute, int? tokensPerMinute, TimeProvider time)
{
    private static readonly TimeSpan RefillTime = TimeSpan.FromMinutes(1);
    private readonly ConcurrentDictionary<string, Bucket> buckets = new(StringComparer.Ordinal);
    private long lastSweep = time.GetTimestamp();

    /// <summary>How many keys have a bucket now (idle ones are removed by the next sweep).</summary>
    public int KeyCount => buckets.Count;

    /// <summary>Takes one request and <paramref name="tokens"/> from <paramref name="key"/>'s allowance, or says why not.</summary>
    public GuardFinding? TryAcquire(string key, int tokens)
    {
        if (requestsPerMinute is null && tokensPerMinute is null)
        {
            return null;
        }

        SweepIfDue();
        while (true)
        {
            var bucket = buckets.GetOrAdd(key, _ => new Bucket(requestsPerMinute ?? 0, tokensPerMinute ?? 0, time.GetTimestamp()));
            lock (bucket)
            {
                if (bucket.Removed)
                {
                    continue; // swept between the lookup and the lock: take the fresh bucket
                }

                return Take(bucket, key, tokens);
            }
        }
    }

    private GuardFinding? Take(Bucket bucket, string key, int tokens)
    {
        var now = time.GetTimestamp();
        var minutes = time.GetElapsedTime(bucket.Last, now).TotalMinutes;
        bucket.Last = now;
        bucket.Requests = Math.Min(requestsPerMinute ?? 0, bucket.Requests + (minutes * (requestsPerMinute ?? 0)));
        bucket.Tokens = Math.Min(tokensPerMinute ?? 0, bucket.Tokens + (minutes * (tokensPerMinute ?? 0)));
        if (requestsPerMinute is { } rpm && bucket.Requests < 1)
        {
            return new GuardFinding("limit.rate", 0, 0, $"key '{key}' is over its {rpm} requests per minute");
        }

        if (tokensPerMinute is { } tpm && bucket.Tokens < Math.Min(tokens, tpm))
        {
            return new GuardFinding("limit.rate", 0, 0, $"key '{key}' is over its {tpm} tokens per minute ({tokens} requested)");
        }

        bucket.Requests -= 1;
        bucket.Tokens -= tokens;
        return null;
    }

    /// <summary>Removes the buckets that have refilled completely (a new one would be the same); runs at most once per refill time.</summary>
    private void SweepIfDue()
    {
        var now = time.GetTimestamp();
        var last = Interlocked.Read(ref lastSweep);
        if (time.GetElapsedTime(last, now) < RefillTime || Interlocked.CompareExchange(ref lastSweep, now, last) != last)
        {
            return;
        }

        foreach (var (key, bucket) in buckets)
        {
            lock (bucket)
            {
                var minutes = time.GetElapsedTime(bucket.Last, now).TotalMinutes;
                var full = (requestsPerMinute is not { } rpm || bucket.Requests + (minutes * rpm) >= rpm)
                    && (tokensPerMinute is not { } tpm || bucket.Tokens + (minutes * tpm) >= tpm);
                if (full)
                {
                    bucket.Removed = true;
                    buckets.TryRemove(new KeyValuePair<string, Bucket>(key, bucket));
                }
            }
        }
    }

    private sealed class Bucket(double requests, double tokens, long last)
    {
        public double Requests { get; set; } = requests;

        public double Tokens { get; set; } = tokens;

        public long Last { get; set; } = last;

        public bool Removed { get; set; }
    }
}
