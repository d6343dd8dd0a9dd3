using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace Declarative.Pipeline;

/// <summary>Records each response's usage in a <see cref="UsageTracker"/>, by predictor, with cache hits apart.</summary>
internal sealed class UsageTrackingChatClient(IChatClient inner, UsageTracker tracker) : DelegatingChatClient(inner)
{
    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var response = await base.GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
        tracker.Record(PredictorOf(options), response.Usage, IsCacheHit(response.AdditionalProperties));
        return response;
    }

    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        UsageDetails? usage = null;
        var cacheHit = false;
        await foreach (var update in base.GetStreamingResponseAsync(messages, options, cancellationToken).ConfigureAwait(false))
        {
            AddUsage(ref usage, update);

            cacheHit |= IsCacheHit(update.AdditionalProperties);
            yield return update;
        }

        tracker.Record(PredictorOf(options), usage, cacheHit);
    }

    internal static string? PredictorOf(ChatOptions? options) =>
        options?.AdditionalProperties?.TryGetValue(OptionKeys.Predictor, out var name) == true ? name?.ToString() : null;

    /// <summary>Adds the usage an update of a stream carries (if any) to <paramref name="usage"/>.</summary>
    internal static void AddUsage(ref UsageDetails? usage, ChatResponseUpdate update)
    {
        foreach (var content in update.Contents)
        {
            if (content is UsageContent u)
            {
                usage ??= new UsageDetails();
                usage.Add(u.Details);
            }
        }
    }

    /// <summary>Whether a response (or update) was marked as served from the cache (<see cref="OptionKeys.CacheHit"/>).</summary>
    internal static bool IsCacheHit(AdditionalPropertiesDictionary? properties) =>
        properties?.TryGetValue(OptionKeys.CacheHit, out var hit) == true && hit is true;
}
