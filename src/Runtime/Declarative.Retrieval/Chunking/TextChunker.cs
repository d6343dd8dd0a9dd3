using System.Globalization;
using Microsoft.ML.Tokenizers;

namespace Declarative.Retrieval;

/// <summary>
/// A recursive splitter: text that is too long is cut at the coarsest separator that occurs in it (paragraphs, then
/// lines, sentence ends, spaces, then between characters), the pieces that are still too long are cut again with the
/// finer separators, and adjacent pieces are merged back while they fit. Without overlap the chunks' texts, in order,
/// are exactly the document's text; with overlap each chunk also repeats the end of the one before it.
/// </summary>
/// <remarks>Immutable and thread-safe once built.</remarks>
public sealed class TextChunker
{
    private readonly int size;
    private readonly int overlap;
    private readonly string[] separators;
    private readonly Tokenizer? tokenizer;

    /// <summary>Creates a chunker.</summary>
    /// <param name="options">The options (default: 1000 characters, no overlap, default separators).</param>
    /// <exception cref="ArgumentException">An option is out of range; the message names it.</exception>
    public TextChunker(ChunkerOptions? options = null)
    {
        options ??= new ChunkerOptions();
        options.Validate();
        size = options.ChunkSize;
        overlap = options.ChunkOverlap;
        separators = options.Separators.ToArray();
        tokenizer = options.Unit == ChunkLengthUnit.Tokens ? options.Tokenizer ?? DefaultTokenizer.Instance : null;
    }

    /// <summary>The length of a text in this chunker's unit (characters or tokens).</summary>
    /// <param name="text">The text.</param>
    /// <returns>Its length.</returns>
    public int Measure(ReadOnlySpan<char> text) => tokenizer is null ? text.Length : tokenizer.CountTokens(text);

    /// <summary>Cuts a document into chunks that keep its metadata.</summary>
    /// <param name="document">The document.</param>
    /// <returns>The chunks in order; none for an empty text.</returns>
    public IReadOnlyList<Chunk> Split(Document document)
    {
        ArgumentNullException.ThrowIfNull(document);
        var ranges = Ranges(document.Text);
        var chunks = new Chunk[ranges.Count];
        for (var i = 0; i < ranges.Count; i++)
        {
            var (start, end) = ranges[i];
            chunks[i] = new Chunk(
                string.Create(CultureInfo.InvariantCulture, $"{document.Id}:{i}"),
                document.Id,
                i,
                start,
                document.Text[start..end],
                document.Metadata);
        }

        return chunks;
    }

    /// <summary>Cuts each document into chunks.</summary>
    /// <param name="documents">The documents.</param>
    /// <returns>The chunks, document by document.</returns>
    public IEnumerable<Chunk> Split(IEnumerable<Document> documents)
    {
        ArgumentNullException.ThrowIfNull(documents);
        return documents.SelectMany(Split);
    }

    /// <summary>The chunks of a text as [start, end) ranges, overlap included.</summary>
    internal IReadOnlyList<(int Start, int End)> Ranges(string text)
    {
        if (text.Length == 0)
        {
            return [];
        }

        var atoms = new List<(int Start, int End)>();
        Atomize(text, 0, text.Length, 0, atoms);
        // Greedy merge: each chunk starts with the overlap taken from the one before (shrunk when the next piece would
        // not fit with it), then takes whole pieces while they fit.
        var result = new List<(int Start, int End)>();
        var next = 0;
        while (next < atoms.Count)
        {
            var (start, end) = atoms[next++];
            if (overlap > 0 && result.Count > 0)
            {
                start = OverlapStart(text, result[^1].Start, start, end);
            }

            while (next < atoms.Count && Length(text, start, atoms[next].End) <= size)
            {
                end = atoms[next++].End;
            }

            result.Add((start, end));
        }

        return result;
    }

    private int Length(string text, int start, int end) =>
        tokenizer is null ? end - start : tokenizer.CountTokens(text.AsSpan(start, end - start));

    private void Atomize(string text, int start, int end, int level, List<(int, int)> atoms)
    {
        if (Length(text, start, end) <= size)
        {
            atoms.Add((start, end));
            return;
        }

        for (var l = level; l < separators.Length; l++)
        {
            var separator = separators[l];
            var first = text.IndexOf(separator, start, end - start, StringComparison.Ordinal);
            if (first < 0 || first + separator.Length >= end)
            {
                continue; // absent, or only at the very end: cutting there would not shorten anything
            }

            var pieceStart = start;
            for (var at = first; at >= 0; at = text.IndexOf(separator, pieceStart, end - pieceStart, StringComparison.Ordinal))
            {
                var pieceEnd = at + separator.Length;
                Atomize(text, pieceStart, pieceEnd, l + 1, atoms);
                pieceStart = pieceEnd;
                if (pieceStart >= end)
                {
                    break;
                }
            }

            if (pieceStart < end)
            {
                Atomize(text, pieceStart, end, l + 1, atoms);
            }

            return;
        }

        HardSplit(text, start, end, atoms);
    }

    private void HardSplit(string text, int start, int end, List<(int, int)> atoms)
    {
        var position = start;
        while (position < end)
        {
            int cut;
            if (tokenizer is null)
            {
                cut = Math.Min(end, position + size);
            }
            else
            {
                // The longest prefix that fits: binary search over the end (token counts grow with the text).
                int lo = position + 1, hi = end;
                while (lo < hi)
                {
                    var mid = lo + ((hi - lo + 1) / 2);
                    if (Length(text, position, mid) <= size)
                    {
                        lo = mid;
                    }
                    else
                    {
                        hi = mid - 1;
                    }
                }

                cut = lo;
            }

            if (cut < end && char.IsHighSurrogate(text[cut - 1]) && char.IsLowSurrogate(text[cut]))
            {
                cut = cut - 1 > position ? cut - 1 : cut + 1; // never leave half a pair on either side
            }

            atoms.Add((position, cut));
            position = cut;
        }
    }

    private int OverlapStart(string text, int previousStart, int start, int end)
    {
        int candidate;
        if (tokenizer is null)
        {
            candidate = Math.Max(previousStart, Math.Max(start - overlap, end - size));
        }
        else
        {
            int lo = previousStart, hi = start;
            while (lo < hi)
            {
                var mid = lo + ((hi - lo) / 2);
                if (Length(text, mid, start) <= overlap && Length(text, mid, end) <= size)
                {
                    hi = mid;
                }
                else
                {
                    lo = mid + 1;
                }
            }

            candidate = lo;
        }

        // Start the repeated part at a word boundary when there is one in it.
        if (candidate > 0 && candidate < start && !char.IsWhiteSpace(text[candidate - 1]))
        {
            for (var i = candidate; i < start - 1; i++)
            {
                if (char.IsWhiteSpace(text[i]))
                {
                    candidate = i + 1;
                    break;
                }
            }
        }

        // Token counts are not quite monotone in the text: move forward until both limits hold and no pair is split.
        while (candidate < start
               && ((candidate > 0 && char.IsLowSurrogate(text[candidate]) && char.IsHighSurrogate(text[candidate - 1]))
                   || Length(text, candidate, start) > overlap || Length(text, candidate, end) > size))
        {
            candidate++;
        }

        return candidate;
    }
}
