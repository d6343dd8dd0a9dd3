using System.Collections.Concurrent;
using Microsoft.Extensions.AI;

namespace Declarative.Pipeline;

/// <summary>
/// Counts calls and tokens per predictor and in total, with responses served from the cache counted apart (they cost
/// nothing). Thread-safe; add it to a pipeline with <see cref="ChatClientBuilderExtensions.UseUsageTracking"/>.
/// </summary>
public sealed class UsageTracker
{
    private readonly ConcurrentDictionary<string, Counter> byPredictor = new(StringComparer.Ordinal);
    private readonly Counter total = new();

    /// <summary>The name under which calls without a predictor name are counted.</summary>
    public const string Unnamed = "(unnamed)";

    /// <summary>Records one response.</summary>
    /// <param name="predictor">The predictor's name, or <see langword="null"/>.</param>
    /// <param name="usage">The usage the backend reported, or <see langword="null"/>.</param>
    /// <param name="cacheHit">Whether the response came from the cache.</param>
    public void Record(string? predictor, UsageDetails? usage, bool cacheHit)
    {
        total.Add(usage, cacheHit);
        byPredictor.GetOrAdd(predictor ?? Unnamed, _ => new Counter()).Add(usage, cacheHit);
    }

    /// <summary>Totals over every call.</summary>
    public UsageSummary Total => total.Snapshot();

    /// <summary>Totals per predictor name.</summary>
    public IReadOnlyDictionary<string, UsageSummary> ByPredictor =>
        byPredictor.OrderBy(p => p.Key, StringComparer.Ordinal).ToDictionary(p => p.Key, p => p.Value.Snapshot(), StringComparer.Ordinal);

    /// <summary>Sets every count back to zero.</summary>
    public void Reset()
    {
        byPredictor.Clear();
        total.Reset();
    }

    private sealed class Counter
    {
        private long calls;
        private long cacheHits;
        private long inputTokens;
        private long outputTokens;
        private long cachedInputTokens;
        private long cachedOutputTokens;

        public void Add(UsageDetails? usage, bool cacheHit)
        {
            if (cacheHit)
            {
                Interlocked.Increment(ref cacheHits);
                Interlocked.Add(ref cachedInputTokens, usage?.InputTokenCount ?? 0);
                Interlocked.Add(ref cachedOutputTokens, usage?.OutputTokenCount ?? 0);
                return;
            }

            Interlocked.Increment(ref calls);
            Interlocked.Add(ref inputTokens, usage?.InputTokenCount ?? 0);
            Interlocked.Add(ref outputTokens, usage?.OutputTokenCount ?? 0);
        }

        public UsageSummary Snapshot() => new(
            Interlocked.Read(ref calls), Interlocked.Read(ref cacheHits), Interlocked.Read(ref inputTokens),
            Interlocked.Read(ref outputTokens), Interlocked.Read(ref cachedInputTokens), Interlocked.Read(ref cachedOutputTokens));

        public void Reset()
        {
            Interlocked.Exchange(ref calls, 0);
            Interlocked.Exchange(ref cacheHits, 0);
            Interlocked.Exchange(ref inputTokens, 0);
            Interlocked.Exchange(ref outputTokens, 0);
            Interlocked.Exchange(ref cachedInputTokens, 0);
            Interlocked.Exchange(ref cachedOutputTokens, 0);
        }
    }
}

/// <summary>Usage totals.</summary>
/// <param name="Calls">Calls that reached the model.</param>
/// <param name="CacheHits">Calls answered from the cache.</param>
/// <param name="InputTokens">Input tokens of the calls that reached the model.</param>
/// <param name="OutputTokens">Output tokens of the calls that reached the model.</param>
/// <param name="CachedInputTokens">Input tokens of the cached answers (not paid again).</param>
/// <param name="CachedOutputTokens">Output tokens of the cached answers (not paid again).</param>
public sealed record UsageSummary(long Calls, long CacheHits, long InputTokens, long OutputTokens, long CachedInputTokens, long CachedOutputTokens)
{
    /// <summary>Input plus output tokens of the calls that reached the model.</summary>
    public long TotalTokens => InputTokens + OutputTokens;
}
