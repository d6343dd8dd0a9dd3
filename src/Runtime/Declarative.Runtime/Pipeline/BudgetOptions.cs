using Microsoft.Extensions.AI;

namespace Declarative.Pipeline;

/// <summary>
/// Limits enforced by a <see cref="Budget"/>: each is off when <see langword="null"/>. Validated once, when the budget is
/// created; do not change it afterwards.
/// </summary>
public sealed class BudgetOptions
{
    /// <summary>The most LM calls (a retried call counts once); default no limit.</summary>
    public long? MaxCalls { get; set; }

    /// <summary>The most prompt plus completion tokens, from the responses' usage; default no limit.</summary>
    public long? MaxTokens { get; set; }

    /// <summary>The most money, priced by <see cref="Prices"/>; default no limit.</summary>
    public decimal? MaxCost { get; set; }

    /// <summary>The longest wall-clock time since the budget was created; default no limit.</summary>
    public TimeSpan? MaxWallTime { get; set; }

    /// <summary>The prices used for <see cref="MaxCost"/> and for <see cref="Budget.Cost"/>; default <see cref="PriceTable.Default"/>.</summary>
    public PriceTable Prices { get; set; } = PriceTable.Default;

    /// <summary>Estimates a request's prompt tokens before it is sent; default the characters of the messages' text divided by four, rounded up.</summary>
    public Func<IEnumerable<ChatMessage>, long>? TokenEstimator { get; set; }

    /// <summary>
    /// The completion tokens assumed before a call when <c>ChatOptions.MaxOutputTokens</c> is not set; default 0 (the
    /// pre-check then counts the prompt only).
    /// </summary>
    public long EstimatedOutputTokens { get; set; }

    /// <summary>The clock for the wall-time budget; default <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Checks the settings; called once when the budget is created.</summary>
    /// <exception cref="ArgumentException">A setting is out of range; the message names it.</exception>
    internal void Validate()
    {
        Require(MaxCalls is null or >= 0, nameof(MaxCalls), "cannot be negative");
        Require(MaxTokens is null or >= 0, nameof(MaxTokens), "cannot be negative");
        Require(MaxCost is null || MaxCost >= 0, nameof(MaxCost), "cannot be negative");
        Require(MaxWallTime is null || MaxWallTime >= TimeSpan.Zero, nameof(MaxWallTime), "cannot be negative");
        Require(EstimatedOutputTokens >= 0, nameof(EstimatedOutputTokens), "cannot be negative");
        Require(Prices is not null, nameof(Prices), "cannot be null");
        Require(TimeProvider is not null, nameof(TimeProvider), "cannot be null");
    }

    private static void Require(bool condition, string name, string rule)
    {
        if (!condition)
        {
            throw new ArgumentException($"BudgetOptions.{name} {rule}; fix it before creating the budget.", name);
        }
    }
}
