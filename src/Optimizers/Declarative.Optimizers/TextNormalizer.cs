using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Declarative.Optimizers;

/// <summary>
/// SQuAD-style answer normalization, as DSPy's <c>normalize_text</c> does it: Unicode NFD, lower case, ASCII
/// punctuation removed, the articles a/an/the removed as whole words, whitespace collapsed to single spaces.
/// </summary>
internal static partial class TextNormalizer
{
    private const string Punctuation = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";

    public static string Normalize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var lowered = text.Normalize(NormalizationForm.FormD).ToLowerInvariant();
        var builder = new StringBuilder(lowered.Length);
        foreach (var ch in lowered)
        {
            if (!Punctuation.Contains(ch, StringComparison.Ordinal))
            {
                builder.Append(ch);
            }
        }

        var noArticles = Articles().Replace(builder.ToString(), " ");
        return string.Join(' ', Tokens(noArticles));
    }

    /// <summary>The normalized text's whitespace-separated tokens.</summary>
    public static string[] Tokenize(string text) => Tokens(Normalize(text));

    private static string[] Tokens(string text) =>
        text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);

    /// <summary>A value as text for comparison: strings as they are, numbers in the invariant culture.</summary>
    public static string ToText(object? value) => value switch
    {
        null => string.Empty,
        string s => s,
        bool b => b ? "True" : "False",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? string.Empty,
    };

    /// <summary>A label as its reference answers: a list of values gives one reference each (DSPy accepts a list of answers).</summary>
    public static IReadOnlyList<string> References(object? label) => label switch
    {
        string s => [s],
        System.Collections.IEnumerable items and not IDictionary<string, object?> => items.Cast<object?>().Select(ToText).ToArray(),
        _ => [ToText(label)],
    };

    // Python's \b around \w, where \w is letters, digits and underscore (combining marks are not word characters).
    [GeneratedRegex(@"(?<![\p{L}\p{N}_])(?:a|an|the)(?![\p{L}\p{N}_])", RegexOptions.CultureInvariant)]
    private static partial Regex Articles();
}
