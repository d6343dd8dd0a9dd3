using Declarative.Tools;

namespace Declarative;

/// <summary>What a <see cref="PlannerAgent"/> run produced: the answer, the plan and what became of each step.</summary>
public sealed class PlannerPrediction : Prediction
{
    internal PlannerPrediction(Prediction answer, IReadOnlyList<PlanStep> plan, IReadOnlyList<ExecutedStep> steps, IReadOnlyList<ToolDecision> decisions)
        : base(answer.Values, answer.RawCompletion, answer.Adapter, answer.Usage)
    {
        Plan = plan;
        Steps = steps;
        ToolDecisions = decisions;
    }

    /// <summary>The plan as the planner wrote it.</summary>
    public IReadOnlyList<PlanStep> Plan { get; }

    /// <summary>One entry per planned step, in order, skipped steps included.</summary>
    public IReadOnlyList<ExecutedStep> Steps { get; }

    /// <summary>Every tool decision of the run, refused calls included.</summary>
    public IReadOnlyList<ToolDecision> ToolDecisions { get; }
}
