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

        budget.Settle(reservation, !IsCacheHit(response.AdditionalProperties), response.Usage, response.ModelId, failed: false);
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
                foreach (var content in update.Contents)
                {
                    if (content is UsageContent u)
                    {
                        usage ??= new UsageDetails();
                        usage.Add(u.Details);
                    }
                }

                modelId ??= update.ModelId;
                cacheHit |= IsCacheHit(update.AdditionalProperties);
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

    private static bool IsCacheHit(AdditionalPropertiesDictionary? properties) =>
        properties?.TryGetValue(OptionKeys.CacheHit, out var hit) == true && hit is true;
}
