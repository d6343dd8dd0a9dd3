using System.Runtime.CompilerServices;
using Declarative.Tools;
using Microsoft.Extensions.AI;

namespace Declarative.Guards;

/// <summary>
/// Applies the input guards to each request and the output guards to each completion (streamed ones too), and records
/// every decision with findings on the trace, in the metrics and in <see cref="GuardOptions.Log"/>.
/// </summary>
/// <remarks>
/// The output guards scan answer text and reasoning (<see cref="TextReasoningContent"/>) alike; the opaque
/// <see cref="TextReasoningContent.ProtectedData"/> is not scanned, and is kept when the reasoning is redacted.
/// </remarks>
internal sealed class GuardChatClient : DelegatingChatClient
{
    private readonly GuardOptions options;
    private readonly InputGuard input;
    private readonly ToolGuard? tools;

    public GuardChatClient(IChatClient inner, GuardOptions options)
        : base(inner)
    {
        this.options = options;
        input = new InputGuard(options, new KeyRateLimiter(options.RequestsPerMinutePerKey, options.TokensPerMinutePerKey, options.TimeProvider));
        tools = options.Tools is { } policy ? new ToolGuard(policy, options.ToolAction) : null;
    }

    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var request = await GuardInputAsync(messages, options, cancellationToken).ConfigureAwait(false);
        var scope = tools?.Begin(request.Messages, options);
        var results = new ToolResultScan(this.options);
        var callOptions = results.Wrap(scope is null ? options : scope.Options);
        var response = await base.GetResponseAsync(request.Messages, callOptions, cancellationToken).ConfigureAwait(false);
        DecideToolResults(results, request.Key);
        if (scope is not null)
        {
            response = await GateToolsAsync(scope, request, response, callOptions, results, cancellationToken).ConfigureAwait(false);
        }

        var findings = new List<GuardFinding>();
        foreach (var message in this.options.OutputAction == GuardAction.Allow ? [] : response.Messages)
        {
            var before = findings.Count;
            var reasoningFirst = message.Contents.FirstOrDefault(c => c is TextContent or TextReasoningContent) is TextReasoningContent;
            ScanMessage(message, reasoning: reasoningFirst, findings);
            ScanMessage(message, reasoning: !reasoningFirst, findings);
            if (findings.Count > before && this.options.OutputAction == GuardAction.Redact)
            {
                // The provider's own objects still hold the text as it came, secret included.
                message.RawRepresentation = null;
                response.RawRepresentation = null;
            }
        }

        Decide("output", this.options.OutputAction, 0, findings, request.Key);
        await CheckAdditionalAsync(response, request.Key, cancellationToken).ConfigureAwait(false);
        return response;
    }

    /// <summary>
    /// Scans the answer text of <paramref name="message"/> (its <see cref="TextContent"/> items) or its visible reasoning
    /// (its <see cref="TextReasoningContent"/> items) as the one text those items form, as <see cref="ChatMessage.Text"/>
    /// reads them, so that a value split across two items is found; adds the findings (offsets into that text; reasoning
    /// findings named <see cref="StreamGuard.ReasoningField"/>) and, under <see cref="GuardAction.Redact"/>, replaces each
    /// item whose share of a finding was redacted in its place. ProtectedData is opaque (often encrypted) provider data: it
    /// is not scanned, and it is kept on the redacted reasoning.
    /// </summary>
    private void ScanMessage(ChatMessage message, bool reasoning, List<GuardFinding> findings)
    {
        var indexes = new List<int>();
        var parts = new List<string>();
        for (var c = 0; c < message.Contents.Count; c++)
        {
            if ((reasoning ? (message.Contents[c] as TextReasoningContent)?.Text : (message.Contents[c] as TextContent)?.Text) is { Length: > 0 } text)
            {
                indexes.Add(c);
                parts.Add(text);
            }
        }

        if (parts.Count == 0)
        {
            return;
        }

        var found = input.Scan(parts.Count == 1 ? parts[0] : string.Concat(parts));
        findings.AddRange(reasoning ? found.Select(f => f with { Field = StreamGuard.ReasoningField }) : found);
        if (found.Count == 0 || options.OutputAction != GuardAction.Redact)
        {
            return;
        }

        var redacted = Redactor.Redact(parts, found);
        for (var i = 0; i < parts.Count; i++)
        {
            if (ReferenceEquals(redacted[i], parts[i]))
            {
                continue;
            }

            var c = indexes[i];
            message.Contents[c] = message.Contents[c] is TextReasoningContent thought
                ? new TextReasoningContent(redacted[i]) { ProtectedData = thought.ProtectedData, AdditionalProperties = thought.AdditionalProperties }
                : new TextContent(redacted[i]) { AdditionalProperties = message.Contents[c].AdditionalProperties };
        }
    }

    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var request = await GuardInputAsync(messages, options, cancellationToken).ConfigureAwait(false);
        var action = this.options.OutputAction;
        var stream = new StreamGuard(input, action, this.options.StreamHoldBack);
        var scope = tools?.Begin(request.Messages, options);
        var results = new ToolResultScan(this.options);
        var callOptions = results.Wrap(scope is null ? options : scope.Options);
        var updates = new List<ChatResponseUpdate>();
        ChatResponseUpdate? last = null;
        List<ChatMessage>? history = null;
        var finished = false;
        try
        {
            for (var round = 0; ; round++)
            {
                var roundUpdates = new List<ChatResponseUpdate>();
                await foreach (var update in base.GetStreamingResponseAsync(history ?? request.Messages, callOptions, cancellationToken).ConfigureAwait(false))
                {
                    last = update;
                    roundUpdates.Add(update);
                    IReadOnlyList<ChatResponseUpdate> released = [update];
                    if (action is not GuardAction.Allow)
                    {
                        released = stream.Push(update);
                        if (stream.BlockedFindings is { } blocked)
                        {
                            Decide("output", GuardAction.Block, 0, blocked, request.Key);
                        }
                    }

                    foreach (var one in released)
                    {
                        foreach (var outgoing in scope is null ? [one] : scope.Hold(one))
                        {
                            yield return outgoing;
                        }
                    }
                }

                updates.AddRange(roundUpdates);
                DecideToolResults(results, request.Key);
                if (scope is null)
                {
                    break;
                }

                var (release, allRefused) = await GateAsync(scope, roundUpdates.SelectMany(u => u.Contents), request.Key, () => scope.CompleteAsync(cancellationToken)).ConfigureAwait(false);
                Decide("tool", this.options.ToolAction, 0, scope.TakeFindings(), request.Key);
                foreach (var outgoing in release)
                {
                    yield return outgoing;
                }

                if (allRefused is null || round >= this.options.ToolRefusalRounds)
                {
                    break;
                }

                // Every call was refused, so no invoker will answer: show the model the refusals and let it go on.
                history ??= [.. request.Messages];
                history.AddRange(roundUpdates.ToChatResponse().Messages);
                history.Add(allRefused);
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

                finished = true;
                Decide("output", action, 0, stream.Findings, request.Key);
            }

            finished = true;
        }
        finally
        {
            // A consumer that stops reading (or a failure mid-stream) still leaves a record of what was redacted or let
            // through, and of the tool results the invoker got in a round it did not read to its end; nothing is thrown.
            if (!finished)
            {
                if (action is GuardAction.Redact or GuardAction.Flag)
                {
                    Record("output", action, 0, stream.Findings.ToArray(), request.Key);
                }

                DecideToolResults(results, request.Key, mayThrow: false);
            }
        }

        if (this.options.AdditionalGuards.Count > 0)
        {
            await CheckAdditionalAsync(updates.ToChatResponse(), request.Key, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Applies the tool policy to the calls a completion leaves unanswered, records the refusals, and while every such call
    /// was refused asks the model again (up to <see cref="GuardOptions.ToolRefusalRounds"/> times) with the refusals in the
    /// history, so that the model answers or tries another tool; the completions of all rounds are returned as one.
    /// </summary>
    private async Task<ChatResponse> GateToolsAsync(ToolScope scope, InputResult request, ChatResponse response, ChatOptions? callOptions, ToolResultScan results, CancellationToken cancellationToken)
    {
        List<ChatMessage>? history = null;
        var current = response;
        for (var round = 0; ; round++)
        {
            var allRefused = await GateAsync(scope, current.Messages.SelectMany(m => m.Contents), request.Key, () => scope.GateAsync(current, cancellationToken)).ConfigureAwait(false);

            Decide("tool", options.ToolAction, 0, scope.TakeFindings(), request.Key);
            if (!ReferenceEquals(current, response))
            {
                foreach (var message in current.Messages)
                {
                    response.Messages.Add(message);
                }

                (response.FinishReason, response.ResponseId, response.ModelId) = (current.FinishReason, current.ResponseId, current.ModelId);
                if (current.Usage is { } usage)
                {
                    (response.Usage ??= new UsageDetails()).Add(usage);
                }
            }

            if (allRefused is null || round >= options.ToolRefusalRounds)
            {
                return response;
            }

            history ??= [.. request.Messages];
            history.AddRange(current.Messages);
            current = await base.GetResponseAsync(history, callOptions, cancellationToken).ConfigureAwait(false);
            DecideToolResults(results, request.Key);
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

    /// <summary>
    /// Records what the tools an invoker inside the guard ran returned that the detector flagged: under
    /// <see cref="GuardOptions.InjectionAction"/> when it is an injection (Block throws; the model already got a notice
    /// instead of the result), flagged when only invisible characters were found.
    /// </summary>
    private void DecideToolResults(ToolResultScan results, string key, bool mayThrow = true)
    {
        var (findings, score, injected) = results.Take();
        var action = injected ? options.InjectionAction : GuardAction.Flag;
        if (mayThrow)
        {
            Decide("tool_result", action, score, findings, key);
        }
        else
        {
            Record("tool_result", action, score, findings, key);
        }
    }

    /// <summary>
    /// Rethrows a budget a wrapped tool exceeded under <see cref="ToolBudgetBehavior.Throw"/>, then runs the tool scope's
    /// check of the calls; a run such a budget ends still has its refusals recorded before the exception goes on.
    /// </summary>
    private async Task<T> GateAsync<T>(ToolScope scope, IEnumerable<AIContent> contents, string key, Func<Task<T>> gate)
    {
        try
        {
            ToolScope.RethrowBudgetExceeded(contents);
            return await gate().ConfigureAwait(false);
        }
        catch (ToolBudgetExceededException)
        {
            Record("tool", GuardAction.Block, 0, scope.TakeFindings(), key);
            throw;
        }
    }

    /// <summary>Records a decision with findings and throws when it blocks.</summary>
    private void Decide(string stage, GuardAction action, double score, IReadOnlyList<GuardFinding> findings, string key)
    {
        if (Record(stage, action, score, findings, key) && action == GuardAction.Block)
        {
            throw new GuardException(stage, findings);
        }
    }

    /// <summary>Records a decision with findings (not under <see cref="GuardAction.Allow"/>); whether there was one to record.</summary>
    private bool Record(string stage, GuardAction action, double score, IReadOnlyList<GuardFinding> findings, string key)
    {
        if (findings.Count == 0 || action == GuardAction.Allow)
        {
            return false;
        }

        GuardDiagnostics.Record(options, new GuardEvent(options.TimeProvider.GetUtcNow(), stage, action, score, findings, key));
        return true;
    }
}
