using Microsoft.ML.Tokenizers;

namespace Declarative.Retrieval;

/// <summary>Options of <see cref="TextChunker"/>; validated when the chunker is built.</summary>
public sealed class ChunkerOptions
{
    /// <summary>The separators tried by default, coarsest first: paragraphs, lines, sentence ends (Latin and CJK), spaces.</summary>
    public static IReadOnlyList<string> DefaultSeparators { get; } = ["\n\n", "\n", ". ", "! ", "? ", "。", "！", "？", " "];

    /// <summary>The largest chunk, in <see cref="Unit"/>s (default 1000 characters). At least 8 when counting tokens.</summary>
    public int ChunkSize { get; set; } = 1000;

    /// <summary>How much of the previous chunk each chunk repeats at its start, in <see cref="Unit"/>s (default 0). Less than <see cref="ChunkSize"/>.</summary>
    public int ChunkOverlap { get; set; }

    /// <summary>What sizes count (default characters).</summary>
    public ChunkLengthUnit Unit { get; set; } = ChunkLengthUnit.Characters;

    /// <summary>
    /// Where text may be cut, coarsest first (default <see cref="DefaultSeparators"/>). A separator stays at the end of the
    /// piece before it. Text with none of them is cut between characters, never inside a surrogate pair.
    /// </summary>
    public IReadOnlyList<string> Separators { get; set; } = DefaultSeparators;

    /// <summary>The tokenizer for <see cref="ChunkLengthUnit.Tokens"/> (default: o200k_base, loaded once).</summary>
    public Tokenizer? Tokenizer { get; set; }

    internal void Validate()
    {
        var minimum = Unit == ChunkLengthUnit.Tokens ? 8 : 2;
        if (ChunkSize < minimum)
        {
            throw new ArgumentOutOfRangeException(nameof(ChunkSize), ChunkSize, $"ChunkerOptions.ChunkSize must be at least {minimum} {Unit.ToString().ToLowerInvariant()}.");
        }

        if (ChunkOverlap < 0 || ChunkOverlap >= ChunkSize)
        {
            throw new ArgumentOutOfRangeException(nameof(ChunkOverlap), ChunkOverlap, "ChunkerOptions.ChunkOverlap must be at least 0 and less than ChunkSize.");
        }

        ArgumentNullException.ThrowIfNull(Separators, nameof(Separators));
        if (Separators.Any(string.IsNullOrEmpty))
        {
            throw new ArgumentException("ChunkerOptions.Separators may not contain null or empty strings; text without separators is cut between characters anyway.", nameof(Separators));
        }
    }
}
