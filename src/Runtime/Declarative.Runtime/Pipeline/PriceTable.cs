namespace Declarative.Pipeline;

/// <summary>
/// Prices per model id, for money budgets. Immutable: <see cref="With(string, ModelPrice)"/> returns a new table. A
/// model id is looked up exactly (ignoring case), then by the longest entry it starts with followed by <c>-</c>, so
/// <c>gpt-4o-mini-2024-07-18</c> is priced as <c>gpt-4o-mini</c>.
/// </summary>
/// <remarks>
/// <see cref="Default"/> holds OpenAI's list prices in US dollars per million tokens as published in 2025 (standard
/// tier, uncached input): gpt-4o 2.50/10.00, gpt-4o-mini 0.15/0.60, gpt-4.1 2.00/8.00, gpt-4.1-mini 0.40/1.60,
/// gpt-4.1-nano 0.10/0.40, o3 2.00/8.00, o3-mini and o4-mini 1.10/4.40, gpt-5 1.25/10.00, gpt-5-mini 0.25/2.00,
/// gpt-5-nano 0.05/0.40. Prices change: check the provider's page and override with <see cref="With(string, ModelPrice)"/>.
/// </remarks>
public sealed class PriceTable
{
    private readonly Dictionary<string, ModelPrice> prices;

    private PriceTable(Dictionary<string, ModelPrice> prices) => this.prices = prices;

    /// <summary>A table with no prices.</summary>
    public static PriceTable Empty { get; } = new(new Dictionary<string, ModelPrice>(StringComparer.OrdinalIgnoreCase));

    /// <summary>A few common OpenAI models (see the remarks for the figures and their date).</summary>
    public static PriceTable Default { get; } = Empty
        .With("gpt-4o", 2.50m, 10.00m)
        .With("gpt-4o-mini", 0.15m, 0.60m)
        .With("gpt-4.1", 2.00m, 8.00m)
        .With("gpt-4.1-mini", 0.40m, 1.60m)
        .With("gpt-4.1-nano", 0.10m, 0.40m)
        .With("o3", 2.00m, 8.00m)
        .With("o3-mini", 1.10m, 4.40m)
        .With("o4-mini", 1.10m, 4.40m)
        .With("gpt-5", 1.25m, 10.00m)
        .With("gpt-5-mini", 0.25m, 2.00m)
        .With("gpt-5-nano", 0.05m, 0.40m);

    /// <summary>The prices, by model id.</summary>
    public IReadOnlyDictionary<string, ModelPrice> Prices => prices;

    /// <summary>A table with <paramref name="modelId"/> priced at <paramref name="price"/> (replacing any price it had).</summary>
    /// <param name="modelId">The model id.</param>
    /// <param name="price">The price.</param>
    /// <returns>The new table.</returns>
    public PriceTable With(string modelId, ModelPrice price)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(modelId);
        if (price.InputPerMillion < 0 || price.OutputPerMillion < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(price), price, "Prices cannot be negative.");
        }

        return new PriceTable(new Dictionary<string, ModelPrice>(prices, StringComparer.OrdinalIgnoreCase) { [modelId] = price });
    }

    /// <summary>A table with <paramref name="modelId"/> priced per million input and output tokens.</summary>
    /// <param name="modelId">The model id.</param>
    /// <param name="inputPerMillion">The price of one million input tokens.</param>
    /// <param name="outputPerMillion">The price of one million output tokens.</param>
    /// <returns>The new table.</returns>
    public PriceTable With(string modelId, decimal inputPerMillion, decimal outputPerMillion) =>
        With(modelId, new ModelPrice(inputPerMillion, outputPerMillion));

    /// <summary>Finds the price of <paramref name="modelId"/>: exactly, or by the longest entry it extends with <c>-</c>.</summary>
    /// <param name="modelId">The model id.</param>
    /// <param name="price">The price, when found.</param>
    /// <returns>Whether a price was found.</returns>
    public bool TryGetPrice(string? modelId, out ModelPrice price)
    {
        price = default;
        if (string.IsNullOrEmpty(modelId))
        {
            return false;
        }

        if (prices.TryGetValue(modelId, out price))
        {
            return true;
        }

        var best = -1;
        foreach (var (key, value) in prices)
        {
            if (key.Length > best && modelId.Length > key.Length && modelId[key.Length] == '-' && modelId.StartsWith(key, StringComparison.OrdinalIgnoreCase))
            {
                best = key.Length;
                price = value;
            }
        }

        return best >= 0;
    }
}
