using System.Text;

namespace Declarative.Guards;

/// <summary>
/// Makes untrusted text safe to read: removes invisible characters (zero-width spaces and joiners, word joiners, soft
/// hyphens, the byte-order mark, Unicode tag characters) and bidirectional controls, then applies Unicode NFKC
/// normalization (full-width and stylised letters become plain ones). Every removal is reported; words are never
/// deleted.
/// </summary>
public static class TextNormalizer
{
    /// <summary>Normalizes <paramref name="text"/>.</summary>
    /// <param name="text">The text.</param>
    /// <returns>The normalized text and one finding per run of removed characters (offsets into <paramref name="text"/>).</returns>
    public static NormalizedText Normalize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (System.Text.Ascii.IsValid(text))
        {
            return new NormalizedText(text, [], false); // ASCII is NFKC-normal and holds no invisible characters
        }

        List<GuardFinding>? removed = null;
        StringBuilder? sb = null;
        var i = 0;
        while (i < text.Length)
        {
            var kind = Classify(text, i, out var width);
            if (kind is null)
            {
                sb?.Append(text, i, width);
                i += width;
                continue;
            }

            sb ??= new StringBuilder(text.Length).Append(text, 0, i);
            var start = i;
            while (i < text.Length && Classify(text, i, out var w) == kind)
            {
                i += w;
            }

            removed ??= [];
            removed.Add(new GuardFinding(kind, start, i - start, Reason(kind, i - start)));
        }

        var cleaned = sb?.ToString() ?? text;
        var normalized = cleaned.IsNormalized(NormalizationForm.FormKC) ? cleaned : cleaned.Normalize(NormalizationForm.FormKC);
        return new NormalizedText(normalized, removed ?? (IReadOnlyList<GuardFinding>)[], !ReferenceEquals(normalized, cleaned) && normalized != cleaned);
    }

    /// <summary>Whether the text contains a character <see cref="Normalize"/> would remove.</summary>
    /// <param name="text">The text.</param>
    /// <returns><see langword="true"/> when something would be removed.</returns>
    public static bool HasHiddenCharacters(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (System.Text.Ascii.IsValid(text))
        {
            return false;
        }

        for (var i = 0; i < text.Length;)
        {
            if (Classify(text, i, out var width) is not null)
            {
                return true;
            }

            i += width;
        }

        return false;
    }

    /// <summary>
    /// The text without the characters <see cref="Normalize"/> would remove (no NFKC), and for each of its characters the
    /// index of that character in <paramref name="text"/>.
    /// </summary>
    internal static string RemoveHidden(string text, out int[] map)
    {
        var kept = new System.Text.StringBuilder(text.Length);
        var indices = new List<int>(text.Length);
        for (var i = 0; i < text.Length;)
        {
            if (Classify(text, i, out var width) is null)
            {
                for (var k = 0; k < width; k++)
                {
                    kept.Append(text[i + k]);
                    indices.Add(i + k);
                }
            }

            i += width;
        }

        map = [.. indices];
        return kept.ToString();
    }

    private static string? Classify(string text, int index, out int width)
    {
        var c = text[index];
        width = 1;
        if (char.IsHighSurrogate(c) && index + 1 < text.Length && char.IsLowSurrogate(text[index + 1]))
        {
            width = 2;
            var cp = char.ConvertToUtf32(c, text[index + 1]);
            return cp is >= 0xE0000 and <= 0xE007F ? "unicode.tag" : null;
        }

        return c switch
        {
            '\u202A' or '\u202B' or '\u202C' or '\u202D' or '\u202E' or '\u2066' or '\u2067' or '\u2068' or '\u2069'
                or '\u200E' or '\u200F' or '\u061C' => "unicode.bidi",
            '\u200B' or '\u200C' or '\u200D' or '\u2060' or '\u2061' or '\u2062' or '\u2063' or '\u2064' or '\uFEFF'
                or '\u00AD' or '\u180E' or '\u034F' => "unicode.invisible",
            _ => null,
        };
    }

    private static string Reason(string kind, int count) => kind switch
    {
        "unicode.bidi" => $"{count} bidirectional control character(s) removed",
        "unicode.tag" => $"{count / 2} Unicode tag character(s) removed (invisible text)",
        _ => $"{count} invisible character(s) removed",
    };
}

/// <summary>The result of <see cref="TextNormalizer.Normalize"/>.</summary>
/// <param name="Text">The normalized text.</param>
/// <param name="Removed">One finding per run of removed characters, with offsets into the original text.</param>
/// <param name="Changed">Whether NFKC normalization changed characters (beyond the removals).</param>
public sealed record NormalizedText(string Text, IReadOnlyList<GuardFinding> Removed, bool Changed);
