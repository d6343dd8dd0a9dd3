using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace Declarative.Guards;

/// <summary>
/// Applies the input guards to each request and the output guards to each completion (streamed ones too), and records
/// every decision with findings on the trace, in the metrics and in <see cref="GuardOptions.Log"/>.
/// </summary>
internal sealed class GuardChatClient : DelegatingChatClient
{
    private readonly GuardOptions options;
    private readonly InputGuard input;

    public GuardChatClient(IChatClient inner, GuardOptions options)
        : base(inner)
    {
        this.options = options;
        input = new InputGuard(options, new KeyRateLimiter(options.RequestsPerMinutePerKey, options.TokensPerMinutePerKey, options.TimeProvider));
    }

    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var request = await GuardInputAsync(messages, options, cancellationToken).ConfigureAwait(false);
        var response = await base.GetResponseAsync(request.Messages, options, cancellationToken).ConfigureAwait(false);
        var findings = new List<GuardFinding>();
        foreach (var message in this.options.OutputAction == GuardAction.Allow ? [] : response.Messages)
        {
            for (var c = 0; c < message.Contents.Count; c++)
            {
                if (message.Contents[c] is TextContent { Text: { Length: > 0 } text })
                {
                    var found = input.Scan(text);
                    findings.AddRange(found);
                    if (found.Count > 0 && this.options.OutputAction == GuardAction.Redact)
                    {
                        message.Contents[c] = new TextContent(Redactor.Redact(text, found)) { AdditionalProperties = message.Contents[c].AdditionalProperties };
                    }
                }
            }
        }

        Decide("output", this.options.OutputAction, 0, findings, request.Key);
        await CheckAdditionalAsync(response, request.Key, cancellationToken).ConfigureAwait(false);
        return response;
    }

    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var request = await GuardInputAsync(messages, options, cancellationToken).ConfigureAwait(false);
        var action = this.options.OutputAction;
        var stream = new StreamGuard(input, action, this.options.StreamHoldBack);
        var updates = new List<ChatResponseUpdate>();
        ChatResponseUpdate? last = null;
        await foreach (var update in base.GetStreamingResponseAsync(request.Messages, options, cancellationToken).ConfigureAwait(false))
        {
            last = update;
            if (this.options.AdditionalGuards.Count > 0)
            {
                updates.Add(update);
            }

            if (action is GuardAction.Allow)
            {
                yield return update;
                continue;
            }

            var released = stream.Push(update);
            if (stream.BlockedFindings is { } blocked)
            {
                Decide("output", GuardAction.Block, 0, blocked, request.Key);
            }

            yield return released;
        }

        if (action is not GuardAction.Allow)
        {
            var tail = stream.Complete(last);
            if (stream.BlockedFindings is { } blocked)
            {
                Decide("output", GuardAction.Block, 0, blocked, request.Key);
            }

            if (tail is not null)
            {
                yield return tail;
            }

            Decide("output", action, 0, stream.Findings, request.Key);
        }

        if (this.options.AdditionalGuards.Count > 0)
        {
            await CheckAdditionalAsync(updates.ToChatResponse(), request.Key, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<InputResult> GuardInputAsync(IEnumerable<ChatMessage> messages, ChatOptions? chatOptions, CancellationToken cancellationToken)
    {
        var list = messages as IReadOnlyList<ChatMessage> ?? messages.ToList();
        var result = await input.InspectAsync(list, chatOptions, cancellationToken).ConfigureAwait(false);
        if (result.LimitFindings.Count > 0)
        {
            Decide("limit", GuardAction.Block, 0, result.LimitFindings, result.Key);
        }

        var action = result.Injection ? options.InjectionAction : GuardAction.Flag;
        if (action == GuardAction.Allow)
        {
            action = result.Findings.Any(f => f.Kind.StartsWith("unicode.", StringComparison.Ordinal) || f.Kind.StartsWith("secret.", StringComparison.Ordinal) || f.Kind.StartsWith("pii.", StringComparison.Ordinal))
                ? GuardAction.Flag : GuardAction.Allow;
        }

        Decide("input", action, result.Score, result.Findings, result.Key);
        foreach (var guard in options.AdditionalGuards)
        {
            var found = await guard.CheckRequestAsync(result.Messages, chatOptions, cancellationToken).ConfigureAwait(false);
            Decide("input", GuardAction.Block, result.Score, found, result.Key);
        }

        return result;
    }

    private async Task CheckAdditionalAsync(ChatResponse response, string key, CancellationToken cancellationToken)
    {
        foreach (var guard in options.AdditionalGuards)
        {
            var found = await guard.CheckResponseAsync(response, cancellationToken).ConfigureAwait(false);
            Decide("output", GuardAction.Block, 0, found, key);
        }
    }

    /// <summary>Records a decision with findings and throws when it blocks.</summary>
    private void Decide(string stage, GuardAction action, double score, IReadOnlyList<GuardFinding> findings, string key)
    {
        if (findings.Count == 0 || action == GuardAction.Allow)
        {
            return;
        }

        GuardDiagnostics.Record(options, new GuardEvent(options.TimeProvider.GetUtcNow(), stage, action, score, findings, key));
        if (action == GuardAction.Block)
        {
            throw new GuardException(stage, findings);
        }
    }
}
