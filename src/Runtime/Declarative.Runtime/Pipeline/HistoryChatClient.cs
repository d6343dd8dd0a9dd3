using Microsoft.Extensions.AI;

namespace Declarative.Pipeline;

/// <summary>Adds each completed call to a <see cref="CallHistory"/>.</summary>
internal sealed class HistoryChatClient(IChatClient inner, CallHistory history) : DelegatingChatClient(inner)
{
    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var list = messages as IReadOnlyList<ChatMessage> ?? messages.ToList();
        var response = await base.GetResponseAsync(list, options, cancellationToken).ConfigureAwait(false);
        history.Add(list, options, response);
        return response;
    }
}
