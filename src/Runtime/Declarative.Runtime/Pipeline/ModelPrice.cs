namespace Declarative.Pipeline;

/// <summary>The price of a model, per million tokens, in the currency of the budget (US dollars for the defaults).</summary>
/// <param name="InputPerMillion">The price of one million prompt (input) tokens.</param>
/// <param name="OutputPerMillion">The price of one million completion (output) tokens.</param>
public readonly record struct ModelPrice(decimal InputPerMillion, decimal OutputPerMillion)
{
    /// <summary>The cost of a call with these token counts.</summary>
    /// <param name="inputTokens">Prompt tokens.</param>
    /// <param name="outputTokens">Completion tokens.</param>
    /// <returns>The cost.</returns>
    public decimal Cost(long inputTokens, long outputTokens) =>
        ((inputTokens * InputPerMillion) + (outputTokens * OutputPerMillion)) / 1_000_000m;
}
