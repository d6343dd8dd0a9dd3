using System.Collections.Concurrent;

namespace Declarative.Guards;

/// <summary>
/// Per-key token buckets of one minute's allowance for requests and prompt tokens, refilled continuously from the
/// injected clock. Unlike the runtime's TokenRateLimiter (which makes a caller wait for a provider's limit), a guard
/// refuses at once: a user over their allowance gets an error, not a queue. Thread-safe.
/// </summary>
internal sealed class KeyRateLimiter(int? requestsPerMinute, int? tokensPerMinute, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, Bucket> buckets = new(StringComparer.Ordinal);

    /// <summary>Takes one request and <paramref name="tokens"/> from <paramref name="key"/>'s allowance, or says why not.</summary>
    public GuardFinding? TryAcquire(string key, int tokens)
    {
        if (requestsPerMinute is null && tokensPerMinute is null)
        {
            return null;
        }

        var bucket = buckets.GetOrAdd(key, _ => new Bucket(requestsPerMinute ?? 0, tokensPerMinute ?? 0, time.GetTimestamp()));
        lock (bucket)
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
    }

    private sealed class Bucket(double requests, double tokens, long last)
    {
        public double Requests { get; set; } = requests;

        public double Tokens { get; set; } = tokens;

        public long Last { get; set; } = last;
    }
}
