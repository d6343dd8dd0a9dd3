using Microsoft.Extensions.AI;

namespace Declarative.Pipeline;

/// <summary>
/// Enforced limits on calls, tokens, money and wall time, shared by every pipeline it is added to with
/// <c>UseBudget</c>. A call that would exceed a limit fails with <see cref="BudgetExceededException"/> before it is
/// sent: each call reserves its estimate first (so concurrent callers cannot race past a limit) and settles with the
/// response's usage. Cache hits are not counted. A failed call counts as a call but costs no tokens. Thread-safe.
/// </summary>
public sealed class Budget
{
    private readonly object gate = new();
    private readonly BudgetOptions options;
    private readonly long started;
    private long calls;
    private long inputTokens;
    private long outputTokens;
    private decimal cost;
    private long reservedCalls;
    private long reservedTokens;
    private decimal reservedCost;

    /// <summary>Creates a budget; its wall time starts now.</summary>
    /// <param name="options">The limits; validated here.</param>
    /// <exception cref="ArgumentException">A setting is out of range.</exception>
    public Budget(BudgetOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        this.options = options;
        started = options.TimeProvider.GetTimestamp();
    }

    /// <summary>Calls counted so far.</summary>
    public long Calls
    {
        get
        {
            lock (gate)
            {
                return calls;
            }
        }
    }

    /// <summary>Prompt tokens spent so far.</summary>
    public long InputTokens
    {
        get
        {
            lock (gate)
            {
                return inputTokens;
            }
        }
    }

    /// <summary>Completion tokens spent so far.</summary>
    public long OutputTokens
    {
        get
        {
            lock (gate)
            {
                return outputTokens;
            }
        }
    }

    /// <summary>Prompt plus completion tokens spent so far.</summary>
    public long Tokens => InputTokens + OutputTokens;

    /// <summary>Money spent so far, priced by <see cref="BudgetOptions.Prices"/> (calls to unpriced models cost nothing).</summary>
    public decimal Cost
    {
        get
        {
            lock (gate)
            {
                return cost;
            }
        }
    }

    /// <summary>Wall-clock time since the budget was created.</summary>
    public TimeSpan Elapsed => options.TimeProvider.GetElapsedTime(started);

    /// <summary>Reserves one call and its estimate, or throws if that would exceed a limit.</summary>
    internal Reservation Reserve(IEnumerable<ChatMessage> messages, ChatOptions? chatOptions, string? modelId)
    {
        var input = options.TokenEstimator?.Invoke(messages) ?? TokenEstimate.ForMessages(messages);
        var output = chatOptions?.MaxOutputTokens ?? options.EstimatedOutputTokens;
        var price = Price(modelId);
        var estimatedCost = price?.Cost(input, output) ?? 0m;
        if (options.MaxCost is not null && price is null)
        {
            throw new InvalidOperationException(
                $"The budget has a MaxCost but BudgetOptions.Prices has no price for model '{modelId ?? "(none)"}'; add one with PriceTable.With(\"{modelId}\", input, output) or set ChatOptions.ModelId.");
        }

        lock (gate)
        {
            var elapsed = Elapsed;
            if (options.MaxWallTime is { } wall && elapsed >= wall)
            {
                throw new BudgetExceededException(BudgetKind.WallTime, (decimal)wall.TotalSeconds, (decimal)elapsed.TotalSeconds, 0m);
            }

            Check(BudgetKind.Calls, options.MaxCalls, calls + reservedCalls, 1);
            Check(BudgetKind.Tokens, options.MaxTokens, inputTokens + outputTokens + reservedTokens, input + output);
            Check(BudgetKind.Cost, options.MaxCost, cost + reservedCost, estimatedCost);
            reservedCalls++;
            reservedTokens += input + output;
            reservedCost += estimatedCost;
        }

        return new Reservation(input, output, estimatedCost, modelId);
    }

    /// <summary>Replaces a reservation by what the call actually used.</summary>
    /// <param name="reservation">The reservation.</param>
    /// <param name="counted">Whether the call counts (false for a cache hit).</param>
    /// <param name="usage">The response's usage; <see langword="null"/> charges the estimate.</param>
    /// <param name="responseModelId">The model that answered, when it says.</param>
    /// <param name="failed">Whether the call failed (counted as a call, without tokens).</param>
    internal void Settle(Reservation reservation, bool counted, UsageDetails? usage, string? responseModelId, bool failed)
    {
        long input = 0, output = 0;
        if (counted && !failed)
        {
            input = usage is null ? reservation.InputTokens : usage.InputTokenCount ?? Math.Max(0, (usage.TotalTokenCount ?? 0) - (usage.OutputTokenCount ?? 0));
            output = usage is null ? reservation.OutputTokens : usage.OutputTokenCount ?? 0;
        }

        var price = Price(responseModelId) ?? Price(reservation.ModelId);
        var spent = price?.Cost(input, output) ?? 0m;
        lock (gate)
        {
            reservedCalls--;
            reservedTokens -= reservation.InputTokens + reservation.OutputTokens;
            reservedCost -= reservation.Cost;
            if (counted)
            {
                calls++;
                inputTokens += input;
                outputTokens += output;
                cost += spent;
            }
        }
    }

    private ModelPrice? Price(string? modelId) => options.Prices.TryGetPrice(modelId, out var price) ? price : null;

    private static void Check(BudgetKind kind, decimal? limit, decimal spent, decimal requested)
    {
        if (limit is { } max && spent + requested > max)
        {
            throw new BudgetExceededException(kind, max, spent, requested);
        }
    }

    /// <summary>What a call in flight reserved.</summary>
    internal sealed record Reservation(long InputTokens, long OutputTokens, decimal Cost, string? ModelId);
}
