using Microsoft.Extensions.AI;

namespace Declarative.Optimizers.Tests;

/// <summary>
/// A test model that answers by a rule: <see cref="Reply"/> gives the output fields for a request, which are sent back
/// formatted as the chat adapter's reply. Streaming is not supported.
/// </summary>
internal abstract class RuleChatClient : IChatClient
{
    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, ChatAdapter.Default.FormatReply(Reply(messages.ToList())))));

    public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException();

    public object? GetService(Type serviceType, object? serviceKey = null) => null;

    public void Dispose()
    {
    }

    /// <summary>The reply's output fields for a request (its first message is the system message, its last the question).</summary>
    protected abstract Dictionary<string, object?> Reply(IReadOnlyList<ChatMessage> messages);
}
