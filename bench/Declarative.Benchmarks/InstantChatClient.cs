using Microsoft.Extensions.AI;

namespace Declarative.Benchmarks;

/// <summary>An in-process client that answers at once with a fixed completion: what is left is the framework's own cost.</summary>
public sealed class InstantChatClient(string completion) : IChatClient
{
    private readonly Task<ChatResponse> response = Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, completion)));

    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) => response;

    public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException();

    public object? GetService(Type serviceType, object? serviceKey = null) => null;

    public void Dispose()
    {
    }
}
