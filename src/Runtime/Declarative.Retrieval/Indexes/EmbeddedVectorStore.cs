using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.VectorData;

namespace Declarative.Retrieval;

/// <summary>
/// The embedded store as a Microsoft.Extensions.VectorData <see cref="VectorStore"/>: named collections of
/// <see cref="ChunkRecord"/>s, each an <see cref="EmbeddedChunkCollection"/> over its own <see cref="ExactVectorIndex"/>.
/// Code written against <see cref="VectorStore"/> (get a collection by name, list, check, delete) runs on this store on
/// one machine and on a Qdrant, pgvector or Azure AI Search connector when it outgrows it.
/// </summary>
/// <remarks>
/// Collections hold <see cref="ChunkRecord"/> keyed by <see cref="string"/>; asking for another record type (or a dynamic
/// collection) is a <see cref="NotSupportedException"/> that says so, rather than a store that silently maps part of a
/// record. Collections live in memory; save an index with <see cref="ExactVectorIndex.Save"/> to keep it. Thread-safe.
/// </remarks>
public sealed class EmbeddedVectorStore : VectorStore
{
    private readonly ConcurrentDictionary<string, EmbeddedChunkCollection> collections = new(StringComparer.Ordinal);
    private readonly int dimensions;
    private readonly VectorMetric metric;
    private readonly IEmbeddingGenerator<string, Embedding<float>>? embedder;

    /// <summary>Creates an empty store.</summary>
    /// <param name="dimensions">The vector size of every collection (384 for all-MiniLM-L6-v2, the default).</param>
    /// <param name="metric">The similarity of every collection (default cosine).</param>
    /// <param name="embedder">Embeds text search inputs; <see langword="null"/> to search by vectors only.</param>
    public EmbeddedVectorStore(int dimensions = 384, VectorMetric metric = VectorMetric.Cosine, IEmbeddingGenerator<string, Embedding<float>>? embedder = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(dimensions, 1);
        this.dimensions = dimensions;
        this.metric = metric;
        this.embedder = embedder;
    }

    /// <inheritdoc />
    /// <exception cref="NotSupportedException"><typeparamref name="TKey"/> is not <see cref="string"/> or <typeparamref name="TRecord"/> is not <see cref="ChunkRecord"/>.</exception>
    public override VectorStoreCollection<TKey, TRecord> GetCollection<TKey, TRecord>(string name, VectorStoreCollectionDefinition? definition = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (typeof(TKey) != typeof(string) || typeof(TRecord) != typeof(ChunkRecord))
        {
            throw new NotSupportedException(
                $"EmbeddedVectorStore holds ChunkRecord collections keyed by string, not {typeof(TRecord).Name} keyed by {typeof(TKey).Name}; store your records as ChunkRecord, or use a VectorData connector (Qdrant, pgvector, …) for other record types.");
        }

        var collection = collections.GetOrAdd(name, n => new EmbeddedChunkCollection(n, new ExactVectorIndex(dimensions, metric), embedder));
        return (VectorStoreCollection<TKey, TRecord>)(object)collection;
    }

    /// <inheritdoc />
    /// <exception cref="NotSupportedException">Always: the embedded store has typed collections only.</exception>
    public override VectorStoreCollection<object, Dictionary<string, object?>> GetDynamicCollection(string name, VectorStoreCollectionDefinition definition) =>
        throw new NotSupportedException("EmbeddedVectorStore has no dynamic collections; use GetCollection<string, ChunkRecord>(name).");

    /// <inheritdoc />
    public override async IAsyncEnumerable<string> ListCollectionNamesAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        foreach (var (name, collection) in collections.OrderBy(c => c.Key, StringComparer.Ordinal))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (await collection.CollectionExistsAsync(cancellationToken).ConfigureAwait(false))
            {
                yield return name;
            }
        }
    }

    /// <inheritdoc />
    public override async Task<bool> CollectionExistsAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        return collections.TryGetValue(name, out var collection) && await collection.CollectionExistsAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public override async Task EnsureCollectionDeletedAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (collections.TryRemove(name, out var collection))
        {
            await collection.EnsureCollectionDeletedAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public override object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is null && serviceType.IsInstanceOfType(this) ? this : null;
    }
}
