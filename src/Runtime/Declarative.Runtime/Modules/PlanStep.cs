namespace Declarative;

/// <summary>One step of a <see cref="PlannerAgent"/>'s plan, as the planner wrote it.</summary>
/// <param name="Target">The tool or registered module the step runs.</param>
/// <param name="Arguments">Its arguments (tool arguments, or the module's input fields); a value may hold <c>{step_N}</c>, the result of step N (from 1).</param>
/// <param name="Purpose">Why the planner takes the step.</param>
public sealed record PlanStep(string Target, IReadOnlyDictionary<string, object?> Arguments, string Purpose);
