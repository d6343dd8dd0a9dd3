using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Declarative.Tools;

/// <summary>
/// The tool calls of one agent run under a <see cref="ToolPolicy"/>: budget, name, allow-list, schema and approval are
/// checked in that order, then the tool is invoked; every request ends in one <see cref="ToolDecision"/>, recorded in
/// <see cref="Decisions"/>, in the context's trace when it is an <see cref="IToolTraceSink"/>, and as an event on the
/// current activity. One instance per run (or per <see cref="ToolPolicy.Wrap"/> set); thread-safe, so tools may be
/// invoked concurrently.
/// </summary>
internal sealed class ToolRun
{
    private readonly IReadOnlyDictionary<string, AIFunction> tools;
    private readonly ToolPolicy policy;
    private readonly string agent;
    private readonly IToolTraceSink? sink;
    private readonly List<ToolDecision> decisions = [];
    private int requests;
    private volatile bool budgetSpent;

    /// <param name="tools">The tools by name.</param>
    /// <param name="policy">The policy.</param>
    /// <param name="agent">Who asks, as recorded in the decisions.</param>
    /// <param name="sink">Where decisions are recorded besides <see cref="Decisions"/>.</param>
    /// <param name="priorCalls">Tool calls the run made before this instance (they count against the budget).</param>
    public ToolRun(IReadOnlyDictionary<string, AIFunction> tools, ToolPolicy policy, string agent, IToolTraceSink? sink, int priorCalls = 0)
    {
        this.tools = tools;
        requests = priorCalls;
        this.policy = policy;
        this.agent = agent;
        this.sink = sink;
    }

    public ToolRun(IReadOnlyDictionary<string, AIFunction> tools, ToolPolicy policy, string agent, RunContext context)
        : this(tools, policy, agent, context.Trace as IToolTraceSink)
    {
    }

    /// <summary>Every decision of this run, in the order they were made (a snapshot).</summary>
    public IReadOnlyList<ToolDecision> Decisions
    {
        get
        {
            lock (decisions)
            {
                return decisions.ToArray();
            }
        }
    }

    /// <summary>Whether a request was refused for the budget (the agent should stop asking).</summary>
    public bool BudgetSpent => budgetSpent;

    /// <summary>Handles one request: checks it, calls the tool when allowed, and records the decision.</summary>
    /// <exception cref="ToolBudgetExceededException">The budget is spent and the policy says to throw.</exception>
    public async Task<ToolDecision> CallAsync(string name, IReadOnlyDictionary<string, object?> arguments, CancellationToken cancellationToken) =>
        (await InvokeAsync(name, arguments, cancellationToken).ConfigureAwait(false)).Decision;

    /// <summary>As <see cref="CallAsync"/>, with the tool's own result when it ran and succeeded.</summary>
    public async Task<(ToolDecision Decision, object? Result)> InvokeAsync(string name, IReadOnlyDictionary<string, object?> arguments, CancellationToken cancellationToken)
    {
        var admission = await AdmitAsync(name, arguments, cancellationToken).ConfigureAwait(false);
        if (admission.Refusal is { } refusal)
        {
            return (refusal, null);
        }

        var (tool, callArguments, number) = (admission.Tool!, admission.Arguments, admission.Number);
        try
        {
            var result = await tool.InvokeAsync(new AIFunctionArguments(callArguments.ToDictionary()), cancellationToken).ConfigureAwait(false);
            return (Record(new ToolDecision(agent, name, callArguments, ToolOutcome.Succeeded, Text(result), number)), result);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // As DSPy: a failing tool is an observation the model can react to, not the end of the run.
            return (Record(new ToolDecision(agent, name, callArguments, ToolOutcome.Failed,
                $"Execution error in {name}: {ex.GetType().Name}: {ex.Message}", number)), null);
        }
    }

    /// <summary>
    /// Counts one request and checks it (budget, name, allow-list, schema, approval) without invoking the tool: a refused
    /// request is recorded and returned as <see cref="Admission.Refusal"/>; an admitted one is not recorded (whoever
    /// invokes the tool records the outcome) and carries the arguments converted to the schema's types.
    /// </summary>
    /// <exception cref="ToolBudgetExceededException">The budget is spent and the policy says to throw.</exception>
    public async Task<Admission> AdmitAsync(string name, IReadOnlyDictionary<string, object?> arguments, CancellationToken cancellationToken)
    {
        var number = Interlocked.Increment(ref requests);
        if (policy.MaxToolCalls is { } limit && number > limit)
        {
            budgetSpent = true;
            var refused = Record(new ToolDecision(agent, name, arguments, ToolOutcome.BudgetExceeded,
                $"Refused: the run has used all {limit} tool calls it may make; answer from the observations so far.", number));
            return policy.OnBudgetExceeded == ToolBudgetBehavior.Throw ? throw new ToolBudgetExceededException(limit, name) : Admission.Refused(refused);
        }

        if (!tools.TryGetValue(name, out var tool))
        {
            return Admission.Refused(Record(new ToolDecision(agent, name, arguments, ToolOutcome.UnknownTool,
                $"There is no tool named '{name}'; the tools are {string.Join(", ", tools.Keys)}.", number)));
        }

        if (policy.AllowedTools is { } allowed && !allowed.Contains(name))
        {
            return Admission.Refused(Record(new ToolDecision(agent, name, arguments, ToolOutcome.NotAllowed,
                $"Refused by policy: tool '{name}' is not on the allow-list.", number)));
        }

        var callArguments = arguments;
        if (policy.ValidateArguments)
        {
            var problems = ToolArguments.Convert(tool, arguments, out var converted);
            if (problems.Count > 0)
            {
                return Admission.Refused(Record(new ToolDecision(agent, name, arguments, ToolOutcome.InvalidArguments,
                    $"Invalid arguments for {name}: {string.Join("; ", problems)}. Its schema is {tool.JsonSchema.GetRawText()}.", number)));
            }

            callArguments = converted;
        }

        if (policy.HasSideEffects(tool))
        {
            var approved = policy.ApproveAsync is { } approve
                && await approve(new ToolCallRequest(tool, callArguments, agent), cancellationToken).ConfigureAwait(false);
            if (!approved)
            {
                return Admission.Refused(Record(new ToolDecision(agent, name, callArguments, ToolOutcome.Denied,
                    $"Call to {name} denied by policy: it has side effects and was not approved.", number)));
            }
        }

        return new Admission(null, tool, callArguments, number);
    }

    /// <summary>A tool result as the model reads it: strings bare, everything else as JSON.</summary>
    internal static string Text(object? result) => result switch
    {
        null => "null",
        string s => s,
        JsonElement { ValueKind: JsonValueKind.String } e => e.GetString()!,
        JsonElement e => e.GetRawText(),
        _ => JsonSerializer.Serialize(result, AIJsonUtilities.DefaultOptions),
    };

    private ToolDecision Record(ToolDecision decision)
    {
        lock (decisions)
        {
            decisions.Add(decision);
        }

        sink?.RecordTool(decision);
        Activity.Current?.AddEvent(new ActivityEvent("tool " + decision.Tool, tags: new ActivityTagsCollection
        {
            ["declarative.tool.name"] = decision.Tool,
            ["declarative.tool.outcome"] = decision.Outcome.ToString(),
            ["declarative.tool.call"] = decision.CallNumber,
        }));
        return decision;
    }

    /// <summary>The verdict of <see cref="AdmitAsync"/>.</summary>
    /// <param name="Refusal">The recorded refusal, or <see langword="null"/> when the call may go ahead.</param>
    /// <param name="Tool">The tool, when admitted.</param>
    /// <param name="Arguments">The arguments, converted to the schema's types when validation is on.</param>
    /// <param name="Number">The 1-based number of the request in its run.</param>
    internal sealed record Admission(ToolDecision? Refusal, AIFunction? Tool, IReadOnlyDictionary<string, object?> Arguments, int Number)
    {
        public static Admission Refused(ToolDecision decision) => new(decision, null, decision.Arguments, decision.CallNumber);
    }
}
