using System.Globalization;
using System.Text;
using Microsoft.ML.Tokenizers;

namespace Declarative.Runtime.Onnx;

/// <summary>
/// BERT's normalization, as Hugging Face's <c>BasicTokenizer</c> does it before splitting, which is how the encoders'
/// training text was read. It replaces Microsoft.ML.Tokenizers' BERT normalizer, which departs from it twice:
/// <list type="bullet">
/// <item>White space (tab, line breaks, Unicode's space separators) becomes a space, and control, format, private-use
/// and unassigned characters (Unicode's C categories: zero-width spaces, soft hyphens, direction marks) and U+FFFD are
/// removed. The library's normalizer deletes tabs and line breaks, which glued the words on either side into one:
/// "30\n15" became "3015", "Vulnerability\n\nIf" one word.</item>
/// <item>For an uncased vocabulary the text is lower-cased and its accents stripped by decomposing it (NFD) and dropping
/// its non-spacing marks. The decomposition is kept, as BERT keeps it: a Hangul syllable becomes its jamo, which the
/// vocabulary holds; the library's normalizer recomposed it into a syllable the vocabulary lacks (an unknown word).</item>
/// </list>
/// CJK ideographs are set apart by spaces, so that each is a word of its own.
/// </summary>
internal sealed class BertNormalization(bool uncased) : Normalizer
{
    /// <inheritdoc/>
    public override string Normalize(string original)
    {
        ArgumentNullException.ThrowIfNull(original);
        foreach (var c in original)
        {
            if (c is < ' ' or >= '\u007f' || (uncased && char.IsAsciiLetterUpper(c)))
            {
                return Normalize(original.AsSpan());
            }
        }

        return original;
    }

    /// <inheritdoc/>
    public override string Normalize(ReadOnlySpan<char> original)
    {
        var builder = new StringBuilder(original.Length + 8);
        foreach (var rune in original.EnumerateRunes())
        {
            var category = Rune.GetUnicodeCategory(rune);
            if (rune.Value is '\t' or '\n' or '\r' || category == UnicodeCategory.SpaceSeparator)
            {
                builder.Append(' ');
            }
            else if (rune.Value == 0xFFFD || category is UnicodeCategory.Control or UnicodeCategory.Format
                or UnicodeCategory.PrivateUse or UnicodeCategory.OtherNotAssigned or UnicodeCategory.Surrogate)
            {
                // removed, as BERT removes them
            }
            else if (IsCjk(rune.Value))
            {
                builder.Append(' ').Append(rune.ToString()).Append(' ');
            }
            else
            {
                builder.Append(rune.ToString());
            }
        }

        if (!uncased)
        {
            return builder.ToString();
        }

        var decomposed = builder.ToString().ToLowerInvariant().Normalize(NormalizationForm.FormD);
        builder.Clear();
        foreach (var c in decomposed)
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) != UnicodeCategory.NonSpacingMark)
            {
                // Lower-cased again after the decomposition: .NET's invariant casing leaves U+0130 (İ) as it is, whose
                // decomposition is I and a dot above; BERT's full lower-casing makes it i (and drops the dot).
                builder.Append(char.ToLowerInvariant(c));
            }
        }

        return builder.ToString();
    }

    /// <summary>The CJK ideograph blocks that BERT splits into single characters (not kana or hangul).</summary>
    private static bool IsCjk(int c) => c is (>= 0x4E00 and <= 0x9FFF) or (>= 0x3400 and <= 0x4DBF) or (>= 0x20000 and <= 0x2A6DF)
        or (>= 0x2A700 and <= 0x2B73F) or (>= 0x2B740 and <= 0x2B81F) or (>= 0x2B820 and <= 0x2CEAF) or (>= 0xF900 and <= 0xFAFF)
        or (>= 0x2F800 and <= 0x2FA1F);
}
