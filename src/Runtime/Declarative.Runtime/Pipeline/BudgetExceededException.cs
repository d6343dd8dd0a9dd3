using System.Globalization;

namespace Declarative.Pipeline;

/// <summary>
/// A call refused before it was sent because it would exceed a budget. Raise the limit in <see cref="BudgetOptions"/>,
/// start a new <see cref="Budget"/>, or make the program cheaper.
/// </summary>
public sealed class BudgetExceededException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="kind">The budget that would be exceeded.</param>
    /// <param name="limit">Its limit (calls, tokens, money, or seconds).</param>
    /// <param name="spent">What was spent or reserved by calls in flight, in the same unit.</param>
    /// <param name="requested">What this call needed (its estimate), in the same unit.</param>
    public BudgetExceededException(BudgetKind kind, decimal limit, decimal spent, decimal requested)
        : base(string.Create(CultureInfo.InvariantCulture, $"The call would exceed the {kind} budget (limit {limit}, spent {spent}, this call {requested}) and was not sent. Raise BudgetOptions.Max{kind} or start a new Budget."))
    {
        Kind = kind;
        Limit = limit;
        Spent = spent;
        Requested = requested;
    }

    /// <summary>Creates the exception.</summary>
    public BudgetExceededException()
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    public BudgetExceededException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public BudgetExceededException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The budget that would be exceeded.</summary>
    public BudgetKind Kind { get; }

    /// <summary>Its limit (calls, tokens, money in the price table's currency, or seconds).</summary>
    public decimal Limit { get; }

    /// <summary>What was spent, plus what calls in flight reserved, in the same unit.</summary>
    public decimal Spent { get; }

    /// <summary>What this call needed (its estimate), in the same unit.</summary>
    public decimal Requested { get; }
}
