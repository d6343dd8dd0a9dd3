using Declarative.Tools;

namespace Declarative;

/// <summary>What became of one step of a <see cref="PlannerAgent"/>'s plan.</summary>
/// <param name="Number">The step's number, from 1.</param>
/// <param name="Step">The step as planned.</param>
/// <param name="Arguments">The arguments after <c>{step_N}</c> references were filled in.</param>
/// <param name="Status">Whether it ran, failed, was refused or skipped.</param>
/// <param name="Result">The tool's result or the module's outputs (JSON when there are several), or why the step did not run.</param>
/// <param name="ToolDecision">For a tool step that reached the policy, its decision; otherwise <see langword="null"/>.</param>
/// <param name="Prediction">For a module step that ran, the module's prediction; otherwise <see langword="null"/>.</param>
public sealed record ExecutedStep(
    int Number,
    PlanStep Step,
    IReadOnlyDictionary<string, object?> Arguments,
    StepStatus Status,
    string Result,
    ToolDecision? ToolDecision,
    Prediction? Prediction);

/// <summary>The status of an <see cref="ExecutedStep"/>.</summary>
public enum StepStatus
{
    /// <summary>The tool or module ran and returned a result.</summary>
    Completed,

    /// <summary>The tool or module threw; the result holds the error.</summary>
    Failed,

    /// <summary>The tool policy refused the call (not allowed, invalid arguments, denied, unknown target, budget).</summary>
    Refused,

    /// <summary>The step was not run: the plan was longer than <see cref="PlannerOptions.MaxSteps"/>, or the tool budget ran out earlier.</summary>
    Skipped,
}
