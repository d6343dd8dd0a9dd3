using Microsoft.Extensions.AI;

namespace Declarative.Retrieval;

/// <summary>Dense retrieval: chunks are embedded with any <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/> and stored in a vector index; queries are embedded with the same generator.</summary>
public sealed class VectorRetriever : IRetriever
{
    private readonly IEmbeddingGenerator<string, Embedding<float>> embedder;

    /// <summary>Creates a retriever.</summary>
    /// <param name="embedder">The embedding generator (the same one for chunks and queries).</param>
    /// <param name="index">The index (exact or HNSW); its dimensions must match the embeddings.</param>
    /// <param name="filter">Metadata pairs every hit must have; <see langword="null"/> for none.</param>
    public VectorRetriever(IEmbeddingGenerator<string, Embedding<float>> embedder, IVectorIndex index, IReadOnlyDictionary<string, string>? filter = null)
    {
        ArgumentNullException.ThrowIfNull(embedder);
        ArgumentNullException.ThrowIfNull(index);
        this.embedder = embedder;
        Index = index;
        Filter = filter;
    }

    /// <summary>The index.</summary>
    public IVectorIndex Index { get; }

    /// <summary>Metadata pairs every hit must have, or <see langword="null"/>.</summary>
    public IReadOnlyDictionary<string, string>? Filter { get; }

    /// <summary>Embeds chunks in batches and adds them (with their text and metadata) to the index.</summary>
    /// <param name="chunks">The chunks.</param>
    /// <param name="batchSize">Chunks per embedding call (default 64).</param>
    /// <param name="cancellationToken">Cancels between batches.</param>
    /// <returns>How many chunks were added.</returns>
    /// <exception cref="InvalidOperationException">The generator returned a different number of embeddings than texts.</exception>
    public async Task<int> AddAsync(IEnumerable<Chunk> chunks, int batchSize = 64, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(chunks);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        var added = 0;
        foreach (var batch in chunks.Chunk(batchSize))
        {
            var embeddings = await embedder.GenerateAsync(batch.Select(c => c.Text), cancellationToken: cancellationToken).ConfigureAwait(false);
            if (embeddings.Count != batch.Length)
            {
                throw new InvalidOperationException($"The embedding generator returned {embeddings.Count} embeddings for {batch.Length} texts; it must return one per text, in order.");
            }

            for (var i = 0; i < batch.Length; i++)
            {
                Index.Add(batch[i].Id, embeddings[i].Vector.Span, Passage.MetadataOf(batch[i], includeText: true));
            }

            added += batch.Length;
        }

        return added;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<Passage>> RetrieveAsync(string query, int k, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var vector = await embedder.GenerateVectorAsync(query, cancellationToken: cancellationToken).ConfigureAwait(false);
        return Index.Search(vector.Span, k, Filter).Select(Passage.FromHit).ToArray();
    }
}
