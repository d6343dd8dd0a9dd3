using Declarative.Tools;

namespace Declarative;

/// <summary>Options of a <see cref="PlannerAgent"/>; validated once when the agent is built.</summary>
public sealed class PlannerOptions
{
    /// <summary>The most steps of a plan that are executed (default 10); later steps are recorded as <see cref="StepStatus.Skipped"/>.</summary>
    public int MaxSteps { get; init; } = 10;

    /// <summary>What the agent may do with its tools (default <see cref="ToolPolicy.Default"/>); registered modules are not subject to it.</summary>
    public ToolPolicy Policy { get; init; } = ToolPolicy.Default;

    /// <summary>
    /// Whether the executed steps (with the tools' and modules' results) are sent to the answering step as an untrusted
    /// input (default <see langword="true"/>): under <c>UseGuards</c> they are spotlighted and scanned for injection.
    /// </summary>
    public bool UntrustedResults { get; init; } = true;

    internal void Validate()
    {
        if (MaxSteps < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxSteps), MaxSteps, "PlannerOptions.MaxSteps must be at least 1.");
        }

        ArgumentNullException.ThrowIfNull(Policy, nameof(Policy));
        Policy.Validate();
    }
}
