using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace Declarative.Pipeline;

/// <summary>
/// Applies a <see cref="ResilienceOptions"/> policy to every call. A stream is retried only while it has yielded
/// nothing; once its first update is out, a failure propagates (and the timeouts no longer apply).
/// </summary>
internal sealed class ResilientChatClient(IChatClient inner, ResilienceOptions options) : DelegatingChatClient(inner)
{
    private readonly ResilienceStrategy strategy = new(options);

    public override Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var list = messages as IReadOnlyCollection<ChatMessage> ?? messages.ToList();
        return strategy.ExecuteAsync(
            scope => base.GetResponseAsync(list, options, scope.Token),
            Estimate(list, options),
            response => ActualTokens(response.Usage),
            cancellationToken);
    }

    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var list = messages as IReadOnlyCollection<ChatMessage> ?? messages.ToList();
        var (enumerator, scope, hasFirst) = await strategy.ExecuteAsync(
            async scope =>
            {
                var e = base.GetStreamingResponseAsync(list, options, scope.Token).GetAsyncEnumerator(scope.Token);
                try
                {
                    var any = await e.MoveNextAsync().ConfigureAwait(false);
                    scope.Detach();
                    return (e, scope, any);
                }
                catch
                {
                    await e.DisposeAsync().ConfigureAwait(false);
                    throw;
                }
            },
            Estimate(list, options),
            _ => null,
            cancellationToken).ConfigureAwait(false);

        UsageDetails? usage = null;
        try
        {
            for (var any = hasFirst; any; any = await enumerator.MoveNextAsync().ConfigureAwait(false))
            {
                UsageTrackingChatClient.AddUsage(ref usage, enumerator.Current);
                yield return enumerator.Current;
            }
        }
        finally
        {
            await enumerator.DisposeAsync().ConfigureAwait(false);
            scope.Finish(ActualTokens(usage));
        }
    }

    public override object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is null && serviceType == typeof(ResilienceStatistics) ? strategy.Counters.Snapshot() : base.GetService(serviceType, serviceKey);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            strategy.Dispose();
        }

        base.Dispose(disposing);
    }

    private int Estimate(IEnumerable<ChatMessage> messages, ChatOptions? chatOptions) =>
        (options.TokenEstimator?.Invoke(messages) ?? TokenEstimate.Saturate(TokenEstimate.ForMessages(messages)))
        + (chatOptions?.MaxOutputTokens ?? 0);

    private static int? ActualTokens(UsageDetails? usage) =>
        usage is null ? null : (int?)(usage.TotalTokenCount ?? ((usage.InputTokenCount ?? 0) + (usage.OutputTokenCount ?? 0)));
}
