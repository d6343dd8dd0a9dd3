using Microsoft.Extensions.AI;

namespace Declarative.Tools;

/// <summary>
/// What an agent (<see cref="ReAct"/>, the planner agent) may do with its tools: which tools it may call,
/// whether arguments are checked against the tool's JSON schema first, which tools change the world and need an
/// approval, and how many tool calls one run may make. Every decision is recorded as a <see cref="ToolDecision"/>.
/// </summary>
/// <remarks>
/// Set the properties, then hand the policy to a module: it is validated once there and must not be changed afterwards
/// (the module reads it on every run, possibly from several threads).
/// </remarks>
public sealed class ToolPolicy
{
    /// <summary>
    /// The key in <c>AIFunction.AdditionalProperties</c> that marks a tool as having side effects (value
    /// <see langword="true"/>); such a tool is treated as if it were listed in <see cref="SideEffectTools"/>.
    /// </summary>
    public const string SideEffectsKey = "declarative.side_effects";

    /// <summary>A policy that allows every tool, validates arguments and sets no budget; side-effecting tools are still refused without an approver.</summary>
    public static ToolPolicy Default { get; } = new();

    /// <summary>
    /// The names of the tools that may be called, or <see langword="null"/> (the default) to allow every tool the module
    /// was given. A call to another tool is refused with <see cref="ToolOutcome.NotAllowed"/>.
    /// </summary>
    public IReadOnlySet<string>? AllowedTools { get; init; }

    /// <summary>Whether arguments are validated against <c>AIFunction.JsonSchema</c> before a call (default <see langword="true"/>).</summary>
    public bool ValidateArguments { get; init; } = true;

    /// <summary>
    /// Tools that change the world (send mail, write files, pay); each call needs <see cref="ApproveAsync"/> to say yes.
    /// Default empty; tools marked with <see cref="SideEffectsKey"/> count too.
    /// </summary>
    public IReadOnlySet<string> SideEffectTools { get; init; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>
    /// Asked before each call of a side-effecting tool; <see langword="false"/> refuses it with
    /// <see cref="ToolOutcome.Denied"/>. Default <see langword="null"/>: every side-effecting call is denied.
    /// </summary>
    public Func<ToolCallRequest, CancellationToken, ValueTask<bool>>? ApproveAsync { get; init; }

    /// <summary>The most tool calls (attempted, allowed or not) one run may make, or <see langword="null"/> (default) for no limit.</summary>
    public int? MaxToolCalls { get; init; }

    /// <summary>
    /// What happens to the call that would exceed <see cref="MaxToolCalls"/> (default <see cref="ToolBudgetBehavior.Finish"/>:
    /// the agent stops calling tools and answers from what it has).
    /// </summary>
    public ToolBudgetBehavior OnBudgetExceeded { get; init; } = ToolBudgetBehavior.Finish;

    /// <summary>Whether a tool has side effects under this policy.</summary>
    /// <param name="tool">The tool.</param>
    /// <returns><see langword="true"/> when it is listed in <see cref="SideEffectTools"/> or marked with <see cref="SideEffectsKey"/>.</returns>
    public bool HasSideEffects(AIFunction tool)
    {
        ArgumentNullException.ThrowIfNull(tool);
        return SideEffectTools.Contains(tool.Name)
            || (tool.AdditionalProperties.TryGetValue(SideEffectsKey, out var flag) && flag is true or "true");
    }

    /// <summary>
    /// Wraps tools so that this policy applies wherever they are invoked, for example by
    /// <see cref="FunctionInvokingChatClient"/>: each call is checked (allow-list, arguments, approval, budget) and
    /// recorded as in an agent; a refused or failing call returns its observation text to the model instead of running
    /// or throwing. The wrapped tools share one budget; wrap again for a new one. Only a cancelled call and
    /// <see cref="ToolBudgetExceededException"/> (under <see cref="ToolBudgetBehavior.Throw"/>) throw.
    /// </summary>
    /// <param name="tools">The tools.</param>
    /// <param name="sink">Where decisions are recorded (for example a <see cref="Tracing.TraceRecorder"/>), or <see langword="null"/>.</param>
    /// <returns>The wrapped tools, in the same order, with the same names, descriptions and schemas.</returns>
    /// <exception cref="ArgumentException">Two tools share a name.</exception>
    public IReadOnlyList<AIFunction> Wrap(IEnumerable<AIFunction> tools, IToolTraceSink? sink = null)
    {
        ArgumentNullException.ThrowIfNull(tools);
        Validate();
        var list = tools.ToList();
        var byName = new Dictionary<string, AIFunction>(StringComparer.Ordinal);
        foreach (var tool in list)
        {
            ArgumentNullException.ThrowIfNull(tool, nameof(tools));
            if (!byName.TryAdd(tool.Name, tool))
            {
                throw new ArgumentException($"Two tools are named '{tool.Name}'; give each a unique name.", nameof(tools));
            }
        }

        var run = new ToolRun(byName, this, nameof(ToolPolicy), sink);
        return list.Select(t => (AIFunction)new PolicyFunction(t, run)).ToArray();
    }

    /// <summary>Checks the settings once; modules call it when they are built.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><see cref="MaxToolCalls"/> is negative.</exception>
    /// <exception cref="ArgumentException">A set is null or holds an empty name.</exception>
    public void Validate()
    {
        if (MaxToolCalls is < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxToolCalls), MaxToolCalls, "ToolPolicy.MaxToolCalls must be 0 or more (null for no limit).");
        }

        if (SideEffectTools is null)
        {
            throw new ArgumentException("ToolPolicy.SideEffectTools must not be null; leave it at its default (empty) for none.", nameof(SideEffectTools));
        }

        if (AllowedTools?.Any(string.IsNullOrWhiteSpace) == true || SideEffectTools.Any(string.IsNullOrWhiteSpace))
        {
            throw new ArgumentException("ToolPolicy tool names must not be empty; list tools by their AIFunction.Name.");
        }

        if (!Enum.IsDefined(OnBudgetExceeded))
        {
            throw new ArgumentOutOfRangeException(nameof(OnBudgetExceeded), OnBudgetExceeded, "Use ToolBudgetBehavior.Finish or ToolBudgetBehavior.Throw.");
        }
    }
}
