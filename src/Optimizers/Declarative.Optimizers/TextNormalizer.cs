namespace Declarative.Optimizers;

/// <summary>
/// SQuAD-style answer normalization, as DSPy's <c>normalize_text</c> does it: Unicode NFD, lower case, ASCII
/// punctuation removed, the articles a/an/the removed as whole words, whitespace collapsed to single spaces.
/// </summary>
internal static class TextNormalizer
{
    /// <summary>The normalized text (empty when nothing is left); the runtime's <see cref="Majority.Normalize"/>.</summary>
    public static string Normalize(string text) => Majority.Normalize(text) ?? string.Empty;

    /// <summary>The normalized text's whitespace-separated tokens.</summary>
    public static string[] Tokenize(string text) =>
        Normalize(text).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);

    /// <summary>A value as text for comparison: strings as they are, numbers in the invariant culture (<see cref="Majority.Text"/>).</summary>
    public static string ToText(object? value) => Majority.Text(value);

    /// <summary>A label as its reference answers: a list of values gives one reference each (DSPy accepts a list of answers).</summary>
    public static IReadOnlyList<string> References(object? label) => label switch
    {
        string s => [s],
        System.Collections.IEnumerable items and not IDictionary<string, object?> => items.Cast<object?>().Select(ToText).ToArray(),
        _ => [ToText(label)],
    };
}
