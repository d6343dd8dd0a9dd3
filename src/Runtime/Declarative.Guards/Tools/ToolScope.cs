using System.Runtime.ExceptionServices;
using Declarative.Tools;
using Microsoft.Extensions.AI;

namespace Declarative.Guards;

/// <summary>
/// The tool policy of one request through the guard. Tools invoked through <see cref="Options"/> (by a
/// <see cref="FunctionInvokingChatClient"/> inside the guard) are checked as they run; tool calls the completion leaves
/// to its caller (a <see cref="FunctionInvokingChatClient"/> outside the guard, or the application) are checked before
/// they leave: a refused call is marked <see cref="FunctionCallContent.InformationalOnly"/>, so that no invoker runs it,
/// and answered with a <see cref="FunctionResultContent"/> saying why. Every refusal becomes a finding.
/// </summary>
internal sealed class ToolScope(GuardAction action, ToolBudgetBehavior onBudgetExceeded) : IToolTraceSink
{
    private readonly List<ToolDecision> refusals = [];
    private readonly List<ChatResponseUpdate> held = [];
    private readonly HashSet<string> pending = new(StringComparer.Ordinal);

    /// <summary>The request options with the tools wrapped by the policy.</summary>
    public ChatOptions? Options { get; set; }

    /// <summary>The run the wrapped tools and the checked calls share.</summary>
    public ToolRun Run { get; set; } = null!;

    /// <inheritdoc />
    public void RecordTool(ToolDecision decision)
    {
        if (decision.Invoked)
        {
            return;
        }

        lock (refusals)
        {
            refusals.Add(decision);
        }

        // Under Block (or a budget that throws) the run ends: a FunctionInvokingChatClient inside the guard stops its loop,
        // and the guard throws when the response comes back.
        var ends = action == GuardAction.Block || (decision.Outcome == ToolOutcome.BudgetExceeded && onBudgetExceeded == ToolBudgetBehavior.Throw);
        if (ends && FunctionInvokingChatClient.CurrentContext is { } context)
        {
            context.Terminate = true;
        }
    }

    /// <summary>
    /// Rethrows the <see cref="ToolBudgetExceededException"/> a wrapped tool threw under
    /// <see cref="ToolBudgetBehavior.Throw"/>, which a FunctionInvokingChatClient inside the guard turned into a result.
    /// </summary>
    public static void RethrowBudgetExceeded(IEnumerable<AIContent> contents)
    {
        if (contents.OfType<FunctionResultContent>().Select(r => r.Exception).OfType<ToolBudgetExceededException>().FirstOrDefault() is { } exceeded)
        {
            ExceptionDispatchInfo.Throw(exceeded);
        }
    }

    /// <summary>
    /// Checks the calls of a completion that no one has answered yet; refused ones are answered in it. Returns the answers
    /// when every such call was refused (nothing is left for an invoker, so the model must be asked again to go on).
    /// </summary>
    public async Task<ChatMessage?> GateAsync(ChatResponse response, CancellationToken cancellationToken)
    {
        var answered = response.Messages.SelectMany(m => m.Contents).OfType<FunctionResultContent>().Select(r => r.CallId).ToHashSet(StringComparer.Ordinal);
        var calls = response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>().Where(c => !c.InformationalOnly && !answered.Contains(c.CallId)).ToList();
        var (refusals, all) = await RefuseAsync(calls, cancellationToken).ConfigureAwait(false);
        if (refusals is not null)
        {
            response.Messages.Add(refusals);
        }

        return all ? refusals : null;
    }

    /// <summary>
    /// Takes a streamed update and returns those that may go on now. From an unanswered tool call on, updates are held
    /// until the call is answered (a FunctionInvokingChatClient inside the guard ran it through the policy) or the stream
    /// ends (<see cref="CompleteAsync"/> checks it then).
    /// </summary>
    public IReadOnlyList<ChatResponseUpdate> Hold(ChatResponseUpdate update)
    {
        foreach (var content in update.Contents)
        {
            if (content is FunctionCallContent { InformationalOnly: false } call)
            {
                pending.Add(call.CallId);
            }
            else if (content is FunctionResultContent result)
            {
                pending.Remove(result.CallId);
            }
        }

        if (held.Count == 0 && pending.Count == 0)
        {
            return [update];
        }

        held.Add(update);
        if (pending.Count > 0)
        {
            return [];
        }

        var release = held.ToArray();
        held.Clear();
        return release;
    }

    /// <summary>
    /// At the end of a stream: checks the calls still unanswered and releases what was held, refusals last. As
    /// <see cref="GateAsync"/>, also returns the answers when every unanswered call was refused.
    /// </summary>
    public async Task<(IReadOnlyList<ChatResponseUpdate> Release, ChatMessage? AllRefused)> CompleteAsync(CancellationToken cancellationToken)
    {
        var calls = held.SelectMany(u => u.Contents).OfType<FunctionCallContent>().Where(c => pending.Contains(c.CallId)).ToList();
        var release = new List<ChatResponseUpdate>(held);
        held.Clear();
        pending.Clear();
        var (refusals, all) = await RefuseAsync(calls, cancellationToken).ConfigureAwait(false);
        if (refusals is not null)
        {
            var last = release.LastOrDefault();
            release.Add(new ChatResponseUpdate(ChatRole.Tool, refusals.Contents)
            {
                ResponseId = last?.ResponseId,
                MessageId = refusals.MessageId,
                ConversationId = last?.ConversationId,
            });
        }

        return (release, all ? refusals : null);
    }

    /// <summary>The refusals recorded since the last call, as findings (without argument values).</summary>
    public IReadOnlyList<GuardFinding> TakeFindings()
    {
        lock (refusals)
        {
            var findings = refusals.Select(Finding).ToArray();
            refusals.Clear();
            return findings;
        }
    }

    private static GuardFinding Finding(ToolDecision decision) => decision.Outcome switch
    {
        ToolOutcome.NotAllowed => new("tool.not_allowed", 0, 0, $"tool '{decision.Tool}' is not on ToolPolicy.AllowedTools", decision.Tool),
        ToolOutcome.UnknownTool => new("tool.unknown", 0, 0, $"the model called '{decision.Tool}', which is not in the request's ChatOptions.Tools", decision.Tool),
        ToolOutcome.InvalidArguments => new("tool.invalid_arguments", 0, 0, $"the arguments of '{decision.Tool}' do not match its JSON schema", decision.Tool),
        ToolOutcome.Denied => new("tool.denied", 0, 0, $"'{decision.Tool}' has side effects and ToolPolicy.ApproveAsync did not approve the call", decision.Tool),
        _ => new("tool.budget", 0, 0, $"call {decision.CallNumber} of the run, over ToolPolicy.MaxToolCalls", decision.Tool),
    };

    private async Task<(ChatMessage? Refusals, bool All)> RefuseAsync(List<FunctionCallContent> calls, CancellationToken cancellationToken)
    {
        List<AIContent>? results = null;
        foreach (var call in calls)
        {
            var arguments = call.Arguments is { } given ? new Dictionary<string, object?>(given, StringComparer.Ordinal) : new Dictionary<string, object?>(StringComparer.Ordinal);
            var admission = await Run.AdmitAsync(call.Name, arguments, cancellationToken).ConfigureAwait(false);
            if (admission.Refusal is { } refusal)
            {
                call.InformationalOnly = true;
                (results ??= []).Add(new FunctionResultContent(call.CallId, refusal.Observation));
            }
        }

        return results is null
            ? (null, false)
            : (new ChatMessage(ChatRole.Tool, results) { MessageId = "guard-refusals-" + calls[0].CallId }, results.Count == calls.Count);
    }
}
