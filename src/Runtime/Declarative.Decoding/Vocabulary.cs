using System.IO.Compression;
using System.Reflection;
using System.Text;

namespace Declarative.Decoding;

/// <summary>
/// A tokenizer's vocabulary as the grammar engine sees it: the bytes of every token id, and which ids end a sequence.
/// Tokens with no bytes (control tokens) are never allowed by a grammar; end-of-sequence ids are allowed exactly when
/// the document is complete. Immutable and shared.
/// </summary>
public sealed class Vocabulary
{
    private readonly byte[][] tokens;

    /// <summary>Creates a vocabulary from token bytes.</summary>
    /// <param name="tokens">The bytes of each token id (empty for tokens that never match text).</param>
    /// <param name="endOfSequence">The ids that end a sequence.</param>
    public Vocabulary(IEnumerable<byte[]> tokens, IEnumerable<int> endOfSequence)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        ArgumentNullException.ThrowIfNull(endOfSequence);
        this.tokens = tokens.Select(t => t ?? []).ToArray();
        EndOfSequence = endOfSequence.ToHashSet();
        foreach (var id in EndOfSequence)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(id, nameof(endOfSequence));
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(id, this.tokens.Length, nameof(endOfSequence));
        }
    }

    /// <summary>The number of token ids.</summary>
    public int Count => tokens.Length;

    /// <summary>The ids that end a sequence.</summary>
    public IReadOnlySet<int> EndOfSequence { get; }

    /// <summary>The bytes of a token.</summary>
    /// <param name="id">The token id.</param>
    /// <returns>The bytes (empty for control tokens).</returns>
    public ReadOnlySpan<byte> this[int id] => tokens[id];

    /// <summary>Whether another vocabulary has the same tokens: the same count and the same bytes for every id.</summary>
    /// <param name="other">The other vocabulary.</param>
    /// <returns>Whether token ids mean the same in both.</returns>
    public bool SameTokens(Vocabulary other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (ReferenceEquals(this, other))
        {
            return true;
        }

        if (other.Count != Count)
        {
            return false;
        }

        for (var id = 0; id < tokens.Length; id++)
        {
            if (!tokens[id].AsSpan().SequenceEqual(other.tokens[id]))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The number of 32-bit words a token mask needs.</summary>
    public int MaskWords => (tokens.Length + 31) / 32;

    internal byte[][] Tokens => tokens;

    /// <summary>
    /// A tiktoken vocabulary shipped with Microsoft.ML.Tokenizers' data packages: <c>o200k_base</c> (GPT-4o and later)
    /// or <c>cl100k_base</c> (GPT-4, GPT-3.5).
    /// </summary>
    /// <param name="encoding">The encoding name.</param>
    /// <returns>The vocabulary, with the encoding's special tokens as control tokens and <c>&lt;|endoftext|&gt;</c> as end of sequence.</returns>
    public static Vocabulary Tiktoken(string encoding)
    {
        var (assemblyName, resource) = encoding switch
        {
            "o200k_base" => ("Microsoft.ML.Tokenizers.Data.O200kBase", "o200k_base.tiktoken.deflate"),
            "cl100k_base" => ("Microsoft.ML.Tokenizers.Data.Cl100kBase", "cl100k_base.tiktoken.deflate"),
            _ => throw new ArgumentException($"'{encoding}' is not a known tiktoken encoding; use o200k_base or cl100k_base.", nameof(encoding)),
        };
        var assembly = Assembly.Load(assemblyName);
        using var stream = assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"{assemblyName} does not contain {resource}.");
        using var inflated = new DeflateStream(stream, CompressionMode.Decompress);
        using var reader = new StreamReader(inflated, Encoding.ASCII);
        // Lines are "base64 rank", or (in the packaged form) a "Capacity: N" header and one base64 token per line in rank order.
        var byRank = new Dictionary<int, byte[]>();
        var next = 0;
        while (reader.ReadLine() is { } line)
        {
            if (line.Length == 0 || line.StartsWith("Capacity:", StringComparison.Ordinal))
            {
                continue;
            }

            var space = line.IndexOf(' ');
            var rank = space < 0 ? next : int.Parse(line.AsSpan(space + 1), System.Globalization.CultureInfo.InvariantCulture);
            byRank[rank] = Convert.FromBase64String(space < 0 ? line : line[..space]);
            next = rank + 1;
        }

        var tokenizer = Microsoft.ML.Tokenizers.TiktokenTokenizer.CreateForEncoding(encoding);
        var specials = tokenizer.SpecialTokens ?? new Dictionary<string, int>();
        var count = Math.Max(byRank.Keys.Max(), specials.Count == 0 ? 0 : specials.Values.Max()) + 1;
        var tokens = new byte[count][];
        for (var i = 0; i < count; i++)
        {
            tokens[i] = byRank.TryGetValue(i, out var bytes) ? bytes : [];
        }

        var eos = specials.TryGetValue("<|endoftext|>", out var end) ? new[] { end } : [];
        return new Vocabulary(tokens, eos);
    }
}
