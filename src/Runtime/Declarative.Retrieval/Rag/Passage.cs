using System.Globalization;

namespace Declarative.Retrieval;

/// <summary>A retrieved text with its id (the chunk id), score and metadata.</summary>
/// <param name="Id">The id.</param>
/// <param name="Text">The text.</param>
/// <param name="Score">The retriever's score (higher is better; comparable only within one retriever).</param>
/// <param name="Metadata">The stored metadata (source, page, heading, document, offset and any properties).</param>
public sealed record Passage(string Id, string Text, float Score, IReadOnlyDictionary<string, string> Metadata)
{
    /// <summary>The metadata key under which indexes keep a chunk's text.</summary>
    public const string TextKey = "text";

    /// <summary>The metadata indexes store for a chunk: its document's metadata, <c>document</c>, <c>offset</c> and optionally <see cref="TextKey"/>.</summary>
    /// <param name="chunk">The chunk.</param>
    /// <param name="includeText">Whether to include the text.</param>
    /// <returns>A new dictionary.</returns>
    public static Dictionary<string, string> MetadataOf(Chunk chunk, bool includeText)
    {
        ArgumentNullException.ThrowIfNull(chunk);
        var result = chunk.Metadata.ToDictionary();
        result["document"] = chunk.DocumentId;
        result["offset"] = chunk.Offset.ToString(CultureInfo.InvariantCulture);
        if (includeText)
        {
            result[TextKey] = chunk.Text;
        }

        return result;
    }

    /// <summary>A passage from an index hit whose metadata holds the text under <see cref="TextKey"/>.</summary>
    /// <param name="hit">The hit.</param>
    /// <returns>The passage.</returns>
    /// <exception cref="InvalidOperationException">The hit has no stored text.</exception>
    public static Passage FromHit(VectorHit hit)
    {
        ArgumentNullException.ThrowIfNull(hit);
        if (!hit.Metadata.TryGetValue(TextKey, out var text))
        {
            throw new InvalidOperationException($"Index entry '{hit.Id}' has no '{TextKey}' metadata, so it cannot be returned as a passage; add it through a retriever's AddAsync, which stores the text.");
        }

        return new Passage(hit.Id, text, hit.Score, hit.Metadata);
    }
}
