using Microsoft.Extensions.AI;

namespace Declarative.Tools;

/// <summary>A call of a side-effecting tool waiting for approval (see <see cref="ToolPolicy.ApproveAsync"/>).</summary>
/// <param name="Tool">The tool.</param>
/// <param name="Arguments">The arguments it would be called with (already validated against its schema).</param>
/// <param name="Agent">The module asking (<c>ReAct</c> or <c>PlannerAgent</c>).</param>
public sealed record ToolCallRequest(AIFunction Tool, IReadOnlyDictionary<string, object?> Arguments, string Agent);
