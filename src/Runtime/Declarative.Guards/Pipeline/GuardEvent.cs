namespace Declarative.Guards;

/// <summary>One guard decision with findings, as recorded in a <see cref="GuardLog"/> and on the trace.</summary>
/// <param name="Timestamp">When it was decided.</param>
/// <param name="Stage"><c>input</c>, <c>output</c>, <c>limit</c>, <c>tool</c> (the tool policy) or <c>tool_result</c> (what a tool run by an invoker inside the guard returned).</param>
/// <param name="Action">What was done.</param>
/// <param name="Score">The highest injection score of the request's inputs, or of the tool results (0 for the other stages).</param>
/// <param name="Findings">What was found (no matched text).</param>
/// <param name="Key">The user or API key the call was made for, when known.</param>
public sealed record GuardEvent(DateTimeOffset Timestamp, string Stage, GuardAction Action, double Score, IReadOnlyList<GuardFinding> Findings, string? Key);
