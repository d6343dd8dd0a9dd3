namespace Declarative.Tools;

/// <summary>One tool call an agent asked for and what the policy and the tool made of it.</summary>
/// <param name="Agent">The module that asked (<c>ReAct</c> or <c>PlannerAgent</c>).</param>
/// <param name="Tool">The tool name the model gave.</param>
/// <param name="Arguments">The arguments (after conversion to the schema's types where that succeeded).</param>
/// <param name="Outcome">What happened.</param>
/// <param name="Observation">What the model is shown: the tool's result, or why it was not called.</param>
/// <param name="CallNumber">The 1-based number of this call in its run (refused calls count).</param>
public sealed record ToolDecision(string Agent, string Tool, IReadOnlyDictionary<string, object?> Arguments, ToolOutcome Outcome, string Observation, int CallNumber)
{
    /// <summary>Whether the tool actually ran (<see cref="ToolOutcome.Succeeded"/> or <see cref="ToolOutcome.Failed"/>).</summary>
    public bool Invoked => Outcome is ToolOutcome.Succeeded or ToolOutcome.Failed;
}
