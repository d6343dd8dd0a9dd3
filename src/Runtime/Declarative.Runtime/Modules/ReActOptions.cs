using Declarative.Tools;

namespace Declarative;

/// <summary>Options of a <see cref="ReAct"/> agent; validated once when the agent is built.</summary>
public sealed class ReActOptions
{
    /// <summary>The most think-act-observe steps before the agent must answer (default 20, as DSPy's <c>max_iters</c>).</summary>
    public int MaxIterations { get; init; } = 20;

    /// <summary>What the agent may do with its tools (default <see cref="ToolPolicy.Default"/>).</summary>
    public ToolPolicy Policy { get; init; } = ToolPolicy.Default;

    /// <summary>
    /// How many times one call may drop the oldest trajectory step and retry after a context overflow (default 3, as
    /// DSPy); after that the overflow error propagates.
    /// </summary>
    public int MaxTruncations { get; init; } = 3;

    /// <summary>
    /// Whether the trajectory (the agent's past thoughts, tool calls and the tools' observations) is sent as an untrusted
    /// input (default <see langword="true"/>): tool results are data from outside, so under <c>UseGuards</c> they are
    /// spotlighted and scanned for injection like any untrusted field. Set <see langword="false"/> only when every tool
    /// returns text you control.
    /// </summary>
    public bool UntrustedTrajectory { get; init; } = true;

    /// <summary>Recognises a context overflow (default <see cref="ContextWindowExceededException.IsContextOverflow"/>).</summary>
    public Func<Exception, bool> IsContextOverflow { get; init; } = ContextWindowExceededException.IsContextOverflow;

    internal void Validate()
    {
        if (MaxIterations < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxIterations), MaxIterations, "ReActOptions.MaxIterations must be at least 1.");
        }

        if (MaxTruncations < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxTruncations), MaxTruncations, "ReActOptions.MaxTruncations must be 0 or more.");
        }

        ArgumentNullException.ThrowIfNull(Policy, nameof(Policy));
        ArgumentNullException.ThrowIfNull(IsContextOverflow, nameof(IsContextOverflow));
        Policy.Validate();
    }
}
