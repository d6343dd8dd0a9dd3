namespace Declarative.Tools;

/// <summary>What an agent does when a run would exceed <see cref="ToolPolicy.MaxToolCalls"/>.</summary>
public enum ToolBudgetBehavior
{
    /// <summary>Stop calling tools: the refused call is recorded (<see cref="ToolOutcome.BudgetExceeded"/>) and the agent answers from what it has.</summary>
    Finish,

    /// <summary>Throw <see cref="ToolBudgetExceededException"/>; the run ends without an answer.</summary>
    Throw,
}
