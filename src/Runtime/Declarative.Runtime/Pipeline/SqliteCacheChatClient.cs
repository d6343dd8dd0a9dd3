using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace Declarative.Pipeline;

/// <summary>Answers repeated requests from a <see cref="SqliteChatCache"/>; a response from the cache is marked with <see cref="OptionKeys.CacheHit"/>.</summary>
internal sealed class SqliteCacheChatClient(IChatClient inner, SqliteChatCache cache) : DelegatingChatClient(inner)
{
    private ChatClientMetadata? metadata;

    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var list = messages as IList<ChatMessage> ?? messages.ToList();
        var key = Key(list, options);
        if (await cache.TryGetAsync(key, cancellationToken).ConfigureAwait(false) is { } cached)
        {
            (cached.AdditionalProperties ??= [])[OptionKeys.CacheHit] = true;
            return cached;
        }

        var response = await base.GetResponseAsync(list, options, cancellationToken).ConfigureAwait(false);
        await cache.SetAsync(key, response, cancellationToken).ConfigureAwait(false);
        return response;
    }

    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var list = messages as IList<ChatMessage> ?? messages.ToList();
        var key = Key(list, options);
        if (await cache.TryGetAsync(key, cancellationToken).ConfigureAwait(false) is { } cached)
        {
            (cached.AdditionalProperties ??= [])[OptionKeys.CacheHit] = true;
            foreach (var update in cached.ToChatResponseUpdates())
            {
                yield return update;
            }

            yield break;
        }

        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in base.GetStreamingResponseAsync(list, options, cancellationToken).ConfigureAwait(false))
        {
            updates.Add(update);
            yield return update;
        }

        await cache.SetAsync(key, updates.ToChatResponse(), cancellationToken).ConfigureAwait(false);
    }

    private string Key(IList<ChatMessage> messages, ChatOptions? options)
    {
        metadata ??= InnerClient.GetService<ChatClientMetadata>() ?? new ChatClientMetadata();
        return CacheKey.Compute(messages, options, metadata);
    }
}
