using System.Text.RegularExpressions;
using Microsoft.ML.Tokenizers;

namespace Declarative.Runtime.Onnx;

/// <summary>
/// BERT's basic tokenization, as Hugging Face's <c>BasicTokenizer</c> splits text: at white space, and around every
/// punctuation character, where punctuation is Unicode's P categories plus all ASCII non-alphanumerics (so <c>$</c>,
/// <c>+</c>, <c>=</c>, <c>|</c> are tokens of their own). Anything else, emoji and other symbols included, stays in the
/// word (then WordPiece, or <c>[UNK]</c>). Microsoft.ML.Tokenizers' default BERT pre-tokenizer keeps only \w runs and
/// P characters, dropping ASCII symbols and emoji; this one replaces it.
/// </summary>
internal static partial class BertPreTokenization
{
    /// <summary>The pre-tokenizer. Special tokens written in the text (<c>[SEP]</c>) are text, not special tokens.</summary>
    public static PreTokenizer Create() => new RegexPreTokenizer(Pieces(), specialTokens: null);

    [GeneratedRegex(@"[!-/:-@\[-`{-~\p{P}]|[^\s!-/:-@\[-`{-~\p{P}]+", RegexOptions.CultureInvariant)]
    private static partial Regex Pieces();
}
