using Declarative.Pipeline;
using Microsoft.Extensions.Logging;

namespace Microsoft.Extensions.AI;

/// <summary>
/// Adds Declarative's middleware to a <see cref="ChatClientBuilder"/>. The first added is the outermost; put usage
/// tracking and history outside the cache so that they see cache hits:
/// <c>new ChatClientBuilder(backend).UseHistory(h).UseUsageTracking(u).UseSqliteCache(path).Build()</c>.
/// </summary>
public static class ChatClientBuilderExtensions
{
    /// <summary>Answers repeated requests from a SQLite cache file (see <see cref="SqliteChatCache"/>).</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="cache">The cache; may be shared by several pipelines.</param>
    /// <returns>The builder.</returns>
    public static ChatClientBuilder UseSqliteCache(this ChatClientBuilder builder, SqliteChatCache cache)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(cache);
        return builder.Use(inner => new SqliteCacheChatClient(inner, cache));
    }

    /// <summary>Answers repeated requests from a SQLite cache file, opened at <paramref name="path"/>.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="path">The cache file.</param>
    /// <param name="logger">Receives cache warnings.</param>
    /// <returns>The builder.</returns>
    public static ChatClientBuilder UseSqliteCache(this ChatClientBuilder builder, string path, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.UseSqliteCache(new SqliteChatCache(path, logger));
    }

    /// <summary>Counts calls and tokens per predictor in <paramref name="tracker"/>.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="tracker">The tracker.</param>
    /// <returns>The builder.</returns>
    public static ChatClientBuilder UseUsageTracking(this ChatClientBuilder builder, UsageTracker tracker)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(tracker);
        return builder.Use(inner => new UsageTrackingChatClient(inner, tracker));
    }

    /// <summary>Keeps the last calls in <paramref name="history"/> for inspection.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="history">The history.</param>
    /// <returns>The builder.</returns>
    public static ChatClientBuilder UseHistory(this ChatClientBuilder builder, CallHistory history)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(history);
        return builder.Use(inner => new HistoryChatClient(inner, history));
    }

    /// <summary>
    /// Telemetry of LM calls: a span per call with the OpenTelemetry GenAI conventions (model, tokens, finish reason;
    /// message text only with <see cref="TelemetryOptions.EnableSensitiveData"/>), under the <c>Declarative</c> source,
    /// and Declarative's metrics (calls, latency, tokens, cost, errors, cache hits). Put it outside the cache to count
    /// cache hits, inside retries to see each attempt.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="options">Settings; <see langword="null"/> for the defaults.</param>
    /// <param name="loggerFactory">Where the GenAI client logs, if anywhere.</param>
    /// <returns>The builder.</returns>
    public static ChatClientBuilder UseTelemetry(this ChatClientBuilder builder, TelemetryOptions? options = null, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        options ??= new TelemetryOptions();
        builder.UseOpenTelemetry(loggerFactory, Declarative.Tracing.DeclarativeDiagnostics.SourceName, client => client.EnableSensitiveData = options.EnableSensitiveData);
        return builder.Use(inner => new LmMetricsChatClient(inner, options));
    }
}
