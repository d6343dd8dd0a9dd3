using System.Diagnostics;
using System.Runtime.CompilerServices;
using Declarative.Tracing;
using Microsoft.Extensions.AI;

namespace Declarative.Pipeline;

/// <summary>Records each LM call on Declarative's meter: count (with cache hits tagged), latency, tokens, cost and errors.</summary>
internal sealed class LmMetricsChatClient(IChatClient inner, TelemetryOptions options) : DelegatingChatClient(inner)
{
    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? chatOptions = null, CancellationToken cancellationToken = default)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            var response = await base.GetResponseAsync(messages, chatOptions, cancellationToken).ConfigureAwait(false);
            Record(chatOptions, response.ModelId, response.Usage, UsageTrackingChatClient.IsCacheHit(response.AdditionalProperties), started);
            return response;
        }
        catch (Exception ex)
        {
            Failed(chatOptions, ex, started);
            throw;
        }
    }

    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? chatOptions = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var started = Stopwatch.GetTimestamp();
        UsageDetails? usage = null;
        string? model = null;
        var cacheHit = false;
        await using var updates = base.GetStreamingResponseAsync(messages, chatOptions, cancellationToken).GetAsyncEnumerator(cancellationToken);
        while (true)
        {
            ChatResponseUpdate update;
            try
            {
                if (!await updates.MoveNextAsync().ConfigureAwait(false))
                {
                    break;
                }

                update = updates.Current;
            }
            catch (Exception ex)
            {
                Failed(chatOptions, ex, started);
                throw;
            }

            model ??= update.ModelId;
            cacheHit |= UsageTrackingChatClient.IsCacheHit(update.AdditionalProperties);
            UsageTrackingChatClient.AddUsage(ref usage, update);

            yield return update;
        }

        Record(chatOptions, model, usage, cacheHit, started);
    }

    private void Record(ChatOptions? chatOptions, string? responseModel, UsageDetails? usage, bool cacheHit, long started)
    {
        var model = responseModel ?? chatOptions?.ModelId;
        var tags = Tags(chatOptions, model);
        tags.Add("declarative.cache_hit", cacheHit);
        DeclarativeDiagnostics.Calls.Add(1, tags);
        DeclarativeDiagnostics.Duration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, tags);
        if (usage is null || cacheHit)
        {
            return;
        }

        var input = Tags(chatOptions, model);
        input.Add("gen_ai.token.type", "input");
        DeclarativeDiagnostics.Tokens.Add(usage.InputTokenCount ?? 0, input);
        var output = Tags(chatOptions, model);
        output.Add("gen_ai.token.type", "output");
        DeclarativeDiagnostics.Tokens.Add(usage.OutputTokenCount ?? 0, output);
        if (options.Price?.Invoke(model, usage) is { } cost)
        {
            DeclarativeDiagnostics.Cost.Add(cost, Tags(chatOptions, model));
        }
    }

    private static void Failed(ChatOptions? chatOptions, Exception error, long started)
    {
        var tags = Tags(chatOptions, chatOptions?.ModelId);
        tags.Add("error.type", error.GetType().FullName);
        DeclarativeDiagnostics.Errors.Add(1, tags);
        DeclarativeDiagnostics.Duration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, tags);
    }

    private static TagList Tags(ChatOptions? chatOptions, string? model)
    {
        var tags = new TagList();
        if (model is not null)
        {
            tags.Add("gen_ai.request.model", model);
        }

        if (UsageTrackingChatClient.PredictorOf(chatOptions) is { } predictor)
        {
            tags.Add("declarative.predictor", predictor);
        }

        return tags;
    }
}
