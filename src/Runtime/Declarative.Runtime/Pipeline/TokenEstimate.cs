using Microsoft.Extensions.AI;

namespace Declarative.Pipeline;

/// <summary>
/// The token estimate used before a call when no <c>TokenEstimator</c> is set: one token per
/// <see cref="CharactersPerToken"/> characters of text, counted over the whole request and rounded up, so that any
/// non-empty request counts at least one token. <see cref="Budget"/> reserves it, and the resilience policy's
/// tokens-per-minute limiter reserves it for chat and embedding requests alike; both reconcile it with the reported
/// usage afterwards.
/// </summary>
internal static class TokenEstimate
{
    /// <summary>The characters counted as one token (OpenAI's rule of thumb for English text).</summary>
    public const int CharactersPerToken = 4;

    /// <summary>The estimate for <paramref name="characters"/> characters of text.</summary>
    /// <param name="characters">A count of characters, not negative.</param>
    /// <returns><paramref name="characters"/> / <see cref="CharactersPerToken"/>, rounded up.</returns>
    public static long ForCharacters(long characters)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(characters);
        return (characters / CharactersPerToken) + (characters % CharactersPerToken == 0 ? 0 : 1);
    }

    /// <summary>The estimate for the text of <paramref name="messages"/>, counted together.</summary>
    public static long ForMessages(IEnumerable<ChatMessage> messages) => ForCharacters(messages.Sum(m => (long)m.Text.Length));

    /// <summary>The estimate for embedding <paramref name="values"/>: their string values counted together (other inputs count nothing).</summary>
    public static long ForInputs<TInput>(IEnumerable<TInput> values) => ForCharacters(values.Sum(v => v is string s ? (long)s.Length : 0));

    /// <summary>An estimate as an <see cref="int"/>, saturated at <see cref="int.MaxValue"/>.</summary>
    public static int Saturate(long tokens) => (int)Math.Min(int.MaxValue, tokens);
}
