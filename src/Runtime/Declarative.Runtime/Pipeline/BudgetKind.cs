namespace Declarative.Pipeline;

/// <summary>The budgets a <see cref="Budget"/> enforces.</summary>
public enum BudgetKind
{
    /// <summary>The number of LM calls.</summary>
    Calls,

    /// <summary>Prompt plus completion tokens.</summary>
    Tokens,

    /// <summary>Money, priced by the <see cref="PriceTable"/>.</summary>
    Cost,

    /// <summary>Wall-clock time since the budget started, in seconds.</summary>
    WallTime,
}
