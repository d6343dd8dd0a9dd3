using Microsoft.Extensions.VectorData;

namespace Declarative.Retrieval;

/// <summary>
/// A chunk as a Microsoft.Extensions.VectorData record: the same class works with <see cref="EmbeddedChunkCollection"/>
/// and with any connector (Qdrant, pgvector, Azure AI Search…), so an application can move its chunks between them.
/// </summary>
/// <remarks>The vector attribute declares 384 dimensions (all-MiniLM-L6-v2); connectors that take the dimensions from a record definition can override it.</remarks>
public sealed class ChunkRecord
{
    /// <summary>The chunk id.</summary>
    [VectorStoreKey]
    public string Key { get; set; } = string.Empty;

    /// <summary>The chunk text.</summary>
    [VectorStoreData(IsFullTextIndexed = true)]
    public string Text { get; set; } = string.Empty;

    /// <summary>The id of the document the chunk was cut from.</summary>
    [VectorStoreData(IsIndexed = true)]
    public string DocumentId { get; set; } = string.Empty;

    /// <summary>The document's source, or <see langword="null"/>.</summary>
    [VectorStoreData(IsIndexed = true)]
    public string? Source { get; set; }

    /// <summary>The heading path joined with <c>" &gt; "</c>, or <see langword="null"/>.</summary>
    [VectorStoreData]
    public string? Heading { get; set; }

    /// <summary>The embedding (for cosine collections, read back normalized).</summary>
    [VectorStoreVector(384, DistanceFunction = DistanceFunction.CosineSimilarity)]
    public ReadOnlyMemory<float> Embedding { get; set; }

    /// <summary>A record for a chunk and its embedding.</summary>
    /// <param name="chunk">The chunk.</param>
    /// <param name="embedding">Its embedding.</param>
    /// <returns>The record.</returns>
    public static ChunkRecord From(Chunk chunk, ReadOnlyMemory<float> embedding)
    {
        ArgumentNullException.ThrowIfNull(chunk);
        return new ChunkRecord
        {
            Key = chunk.Id,
            Text = chunk.Text,
            DocumentId = chunk.DocumentId,
            Source = chunk.Metadata.Source,
            Heading = chunk.Metadata.HeadingPath.Count > 0 ? chunk.Metadata.Heading : null,
            Embedding = embedding,
        };
    }
}
