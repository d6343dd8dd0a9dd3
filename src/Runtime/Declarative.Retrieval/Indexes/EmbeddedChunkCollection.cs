using System.Linq.Expressions;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.VectorData;

namespace Declarative.Retrieval;

/// <summary>
/// An <see cref="ExactVectorIndex"/> as a Microsoft.Extensions.VectorData collection of <see cref="ChunkRecord"/>s, so code
/// written against <see cref="VectorStoreCollection{TKey, TRecord}"/> runs on the embedded index in development and on a
/// Qdrant or pgvector connector in production.
/// </summary>
/// <remarks>
/// What it covers: upsert, get and delete by key, LINQ-filtered get, vector search with a LINQ filter, <c>Skip</c>,
/// <c>IncludeVectors</c> and <c>ScoreThreshold</c>, and search by text when an embedding generator is given. What it
/// does not: it is typed to <see cref="ChunkRecord"/> rather than any <c>TRecord</c> (a generic record needs the
/// attribute-driven record model that connectors build, which is internal to each connector), and <c>OrderBy</c> in a filtered
/// get is rejected with <see cref="NotSupportedException"/>. Filters are compiled and run on each stored record.
/// Scores are cosine (or dot-product) similarities, higher is closer. Make one directly over an index, or get named ones
/// from an <see cref="EmbeddedVectorStore"/>.
/// </remarks>
public sealed class EmbeddedChunkCollection : VectorStoreCollection<string, ChunkRecord>
{
    private readonly ExactVectorIndex index;
    private readonly IEmbeddingGenerator<string, Embedding<float>>? embedder;
    private bool exists = true;

    /// <summary>Creates a collection over an index.</summary>
    /// <param name="name">The collection name.</param>
    /// <param name="index">The index that stores the records (it may already hold chunks added by a <see cref="VectorRetriever"/>).</param>
    /// <param name="embedder">Embeds string search inputs; <see langword="null"/> to search by vectors only.</param>
    public EmbeddedChunkCollection(string name, ExactVectorIndex index, IEmbeddingGenerator<string, Embedding<float>>? embedder = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(index);
        Name = name;
        this.index = index;
        this.embedder = embedder;
    }

    /// <inheritdoc />
    public override string Name { get; }

    /// <inheritdoc />
    public override Task<bool> CollectionExistsAsync(CancellationToken cancellationToken = default) => Task.FromResult(exists);

    /// <inheritdoc />
    public override Task EnsureCollectionExistsAsync(CancellationToken cancellationToken = default)
    {
        exists = true;
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public override Task EnsureCollectionDeletedAsync(CancellationToken cancellationToken = default)
    {
        foreach (var (id, _) in index.Entries())
        {
            index.Remove(id);
        }

        exists = false;
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public override Task<ChunkRecord?> GetAsync(string key, RecordRetrievalOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        return Task.FromResult(index.TryGet(key, out var vector, out var metadata) ? ToRecord(key, metadata, options?.IncludeVectors == true ? vector : null) : null);
    }

    /// <inheritdoc />
    public override async IAsyncEnumerable<ChunkRecord> GetAsync(Expression<Func<ChunkRecord, bool>> filter, int top, FilteredRecordRetrievalOptions<ChunkRecord>? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentOutOfRangeException.ThrowIfLessThan(top, 1);
        if (options?.OrderBy is not null)
        {
            throw new NotSupportedException("EmbeddedChunkCollection does not order filtered gets; sort the records after reading them.");
        }

        var predicate = filter.Compile();
        var skip = options?.Skip ?? 0;
        foreach (var (id, metadata) in index.Entries())
        {
            cancellationToken.ThrowIfCancellationRequested();
            var record = ToRecord(id, metadata, null);
            if (!predicate(record) || skip-- > 0)
            {
                continue;
            }

            if (options?.IncludeVectors == true && index.TryGet(id, out var vector, out _))
            {
                record.Embedding = vector;
            }

            yield return record;
            if (--top == 0)
            {
                yield break;
            }
        }

        await Task.CompletedTask.ConfigureAwait(false);
    }

    /// <inheritdoc />
    public override Task DeleteAsync(string key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        index.Remove(key);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public override Task UpsertAsync(ChunkRecord record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentException.ThrowIfNullOrEmpty(record.Key, nameof(record));
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal) { [Passage.TextKey] = record.Text, ["document"] = record.DocumentId };
        if (record.Source is not null)
        {
            metadata["source"] = record.Source;
        }

        if (record.Heading is not null)
        {
            metadata["heading"] = record.Heading;
        }

        index.Add(record.Key, record.Embedding.Span, metadata);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public override async Task UpsertAsync(IEnumerable<ChunkRecord> records, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(records);
        foreach (var record in records)
        {
            cancellationToken.ThrowIfCancellationRequested();
            await UpsertAsync(record, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public override async IAsyncEnumerable<VectorSearchResult<ChunkRecord>> SearchAsync<TInput>(TInput searchValue, int top, VectorSearchOptions<ChunkRecord>? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(searchValue);
        ArgumentOutOfRangeException.ThrowIfLessThan(top, 1);
        ReadOnlyMemory<float> query = searchValue switch
        {
            ReadOnlyMemory<float> memory => memory,
            float[] array => array,
            Embedding<float> embedding => embedding.Vector,
            string text when embedder is not null => await embedder.GenerateVectorAsync(text, cancellationToken: cancellationToken).ConfigureAwait(false),
            string => throw new NotSupportedException("Searching by text needs an embedding generator: pass one to the EmbeddedChunkCollection constructor, or search with a vector."),
            _ => throw new NotSupportedException($"EmbeddedChunkCollection searches with ReadOnlyMemory<float>, float[], Embedding<float> or string, not {typeof(TInput).Name}."),
        };

        var skip = options?.Skip ?? 0;
        var predicate = options?.Filter?.Compile();
        var hits = index.Search(query.Span, top + skip, predicate is null ? null : (Func<IReadOnlyDictionary<string, string>, bool>)(meta => predicate(ToRecord(string.Empty, meta, null))));
        foreach (var hit in hits.Skip(skip))
        {
            if (options?.ScoreThreshold is { } threshold && hit.Score < threshold)
            {
                yield break;
            }

            float[]? vector = null;
            if (options?.IncludeVectors == true)
            {
                index.TryGet(hit.Id, out vector, out _);
            }

            yield return new VectorSearchResult<ChunkRecord>(ToRecord(hit.Id, hit.Metadata, vector), hit.Score);
        }
    }

    /// <inheritdoc />
    public override object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is not null ? null
            : serviceType == typeof(ExactVectorIndex) ? index
            : serviceType.IsInstanceOfType(this) ? this
            : null;
    }

    private static ChunkRecord ToRecord(string id, IReadOnlyDictionary<string, string> metadata, float[]? vector) => new()
    {
        Key = id,
        Text = metadata.GetValueOrDefault(Passage.TextKey) ?? string.Empty,
        DocumentId = metadata.GetValueOrDefault("document") ?? string.Empty,
        Source = metadata.GetValueOrDefault("source"),
        Heading = metadata.GetValueOrDefault("heading"),
        Embedding = vector ?? ReadOnlyMemory<float>.Empty,
    };
}
