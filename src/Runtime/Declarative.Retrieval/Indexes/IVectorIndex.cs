namespace Declarative.Retrieval;

/// <summary>An in-process vector index: add vectors with ids and string metadata, search the k most similar, save to a stream.</summary>
/// <remarks>Implementations are thread-safe: searches run concurrently, additions are serialized.</remarks>
public interface IVectorIndex
{
    /// <summary>The number of dimensions every vector must have.</summary>
    int Dimensions { get; }

    /// <summary>How vectors are compared.</summary>
    VectorMetric Metric { get; }

    /// <summary>The number of stored vectors.</summary>
    int Count { get; }

    /// <summary>Adds a vector; an existing id is replaced.</summary>
    /// <param name="id">The id (for chunks, the chunk id).</param>
    /// <param name="vector">The vector, <see cref="Dimensions"/> long.</param>
    /// <param name="metadata">String metadata to filter on and return with hits; <see langword="null"/> for none.</param>
    void Add(string id, ReadOnlySpan<float> vector, IReadOnlyDictionary<string, string>? metadata = null);

    /// <summary>The <paramref name="k"/> stored vectors most similar to <paramref name="query"/>, best first.</summary>
    /// <param name="query">The query vector, <see cref="Dimensions"/> long.</param>
    /// <param name="k">How many hits at most.</param>
    /// <param name="filter">Metadata pairs a hit must all have (exact, ordinal match); <see langword="null"/> for none.</param>
    /// <returns>The hits, best first; fewer than <paramref name="k"/> when fewer match.</returns>
    IReadOnlyList<VectorHit> Search(ReadOnlySpan<float> query, int k, IReadOnlyDictionary<string, string>? filter = null);

    /// <summary>Writes the index in its documented binary format (see the project README).</summary>
    /// <param name="stream">The stream to write to.</param>
    void Save(Stream stream);
}
