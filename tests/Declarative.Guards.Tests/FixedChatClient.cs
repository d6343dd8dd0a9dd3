using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace Declarative.Guards.Tests;

/// <summary>Answers with a fixed response, or streams fixed updates one at a time; either throws when not given.</summary>
internal sealed class FixedChatClient(ChatResponse? response = null, IReadOnlyList<ChatResponseUpdate>? updates = null) : IChatClient
{
    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        Task.FromResult(response ?? throw new NotSupportedException());

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        foreach (var update in updates ?? throw new NotSupportedException())
        {
            await Task.Yield();
            yield return update;
        }
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => null;

    public void Dispose()
    {
    }
}
