using System.CommandLine;
using Declarative.Pipeline;
using Microsoft.Extensions.AI;

namespace Declarative.Cli;

/// <summary>
/// The options every command that calls a model shares (<c>--cache</c>, <c>--no-cache</c>, <c>--telemetry</c>) and the
/// pipeline they build: the <c>--lm</c> backend, with telemetry outside the cache (so cache hits are counted too) and the
/// SQLite cache unless turned off.
/// </summary>
internal static class ModelPipeline
{
    public static Option<string?> Cache() => new("--cache") { Description = "The LM cache file, shared by every command (default: declarative/cache.db in $XDG_CACHE_HOME, ~/.cache or %LOCALAPPDATA%)." };

    public static Option<bool> NoCache() => new("--no-cache") { Description = "Call the model even when an answer is cached, and cache nothing." };

    public static Option<string?> Telemetry() => new("--telemetry") { Description = "Spans and metrics: console (on stderr) or otlp (OTEL_EXPORTER_OTLP_ENDPOINT)." };

    /// <summary>Builds the client, with <paramref name="budget"/> (if any) between the cache and the backend; the cache store (null with <c>--no-cache</c>) is the caller's to dispose after the client.</summary>
    public static async Task<(IChatClient Client, SqliteChatCache? Store)> BuildAsync(string lm, Adapter adapter, bool telemetry, bool noCache, string? cache, TextWriter stderr, CancellationToken cancellationToken, Budget? budget = null)
    {
        var backend = await LmSpec.CreateAsync(lm, adapter, stderr, cancellationToken: cancellationToken);
        var builder = new ChatClientBuilder(backend);
        if (telemetry)
        {
            builder.UseTelemetry();
        }

        SqliteChatCache? store = null;
        if (!noCache)
        {
            store = new SqliteChatCache(cache ?? CommonOptions.DefaultCachePath(), new StderrLogger(stderr));
            builder.UseSqliteCache(store);
        }

        if (budget is not null)
        {
            builder.UseBudget(budget); // inside the cache: cache hits cost nothing and are never refused
        }

        return (builder.Build(), store);
    }
}
