using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace Declarative.Pipeline;

/// <summary>Reserves each call in a <see cref="Budget"/> before sending it and settles it with the response's usage.</summary>
internal sealed class BudgetChatClient(IChatClient inner, Budget budget) : DelegatingChatClient(inner)
{
    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var list = messages as IReadOnlyCollection<ChatMessage> ?? messages.ToList();
        var reservation = budget.Reserve(list, options, ModelOf(options));
        ChatResponse response;
        try
        {
            response = await base.GetResponseAsync(list, options, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            budget.Settle(reservation, counted: true, usage: null, responseModelId: null, failed: true);
            throw;
        }

        budget.Settle(reservation, !UsageTrackingChatClient.IsCacheHit(response.AdditionalProperties), response.Usage, response.ModelId, failed: false);
        return response;
    }

    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var list = messages as IReadOnlyCollection<ChatMessage> ?? messages.ToList();
        var reservation = budget.Reserve(list, options, ModelOf(options));
        UsageDetails? usage = null;
        string? modelId = null;
        var cacheHit = false;
        var completed = false;
        try
        {
            await foreach (var update in base.GetStreamingResponseAsync(list, options, cancellationToken).ConfigureAwait(false))
            {
                UsageTrackingChatClient.AddUsage(ref usage, update);

                modelId ??= update.ModelId;
                cacheHit |= UsageTrackingChatClient.IsCacheHit(update.AdditionalProperties);
                yield return update;
            }

            completed = true;
        }
        finally
        {
            budget.Settle(reservation, !cacheHit, usage, modelId, failed: !completed && usage is null);
        }
    }

    public override object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is null && serviceType == typeof(Budget) ? budget : base.GetService(serviceType, serviceKey);

    private string? ModelOf(ChatOptions? options) =>
        options?.ModelId ?? (base.GetService(typeof(ChatClientMetadata)) as ChatClientMetadata)?.DefaultModelId;
}
