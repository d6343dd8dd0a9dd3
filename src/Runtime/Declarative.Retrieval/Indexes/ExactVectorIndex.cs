namespace Declarative.Retrieval;

/// <summary>
/// A brute-force vector index: every search scores every stored vector (SIMD dot products over contiguous storage) and
/// keeps the top k, so results are exact. Good up to a few hundred thousand vectors; beyond, use <see cref="HnswIndex"/>.
/// </summary>
/// <remarks>Thread-safe: searches run concurrently; additions and removals wait for them.</remarks>
public sealed class ExactVectorIndex : IVectorIndex
{
    private const int RowsPerPartition = 32_768;
    private readonly ReaderWriterLockSlim gate = new(LockRecursionPolicy.NoRecursion);
    private readonly VectorStorage storage;

    /// <summary>Creates an empty index.</summary>
    /// <param name="dimensions">The number of dimensions of every vector.</param>
    /// <param name="metric">How vectors are compared (default cosine).</param>
    public ExactVectorIndex(int dimensions, VectorMetric metric = VectorMetric.Cosine)
        : this(new VectorStorage(dimensions, metric))
    {
    }

    private ExactVectorIndex(VectorStorage storage) => this.storage = storage;

    /// <inheritdoc />
    public int Dimensions => storage.Dimensions;

    /// <inheritdoc />
    public VectorMetric Metric => storage.Metric;

    /// <inheritdoc />
    public int Count
    {
        get
        {
            gate.EnterReadLock();
            try
            {
                return storage.Count;
            }
            finally
            {
                gate.ExitReadLock();
            }
        }
    }

    /// <summary>Loads an index written by <see cref="Save"/>.</summary>
    /// <param name="stream">The stream to read.</param>
    /// <returns>The index.</returns>
    /// <exception cref="IndexFormatException">The stream is not an exact index of this format version, or is damaged.</exception>
    public static ExactVectorIndex Load(Stream stream) =>
        IndexFile.Read(stream, 'E', nameof(ExactVectorIndex), reader => new ExactVectorIndex(VectorStorage.Read(reader)));

    /// <inheritdoc />
    public void Add(string id, ReadOnlySpan<float> vector, IReadOnlyDictionary<string, string>? metadata = null)
    {
        gate.EnterWriteLock();
        try
        {
            storage.Put(id, vector, metadata);
        }
        finally
        {
            gate.ExitWriteLock();
        }
    }

    /// <summary>Removes a vector.</summary>
    /// <param name="id">Its id.</param>
    /// <returns>Whether it was there.</returns>
    public bool Remove(string id)
    {
        gate.EnterWriteLock();
        try
        {
            if (!storage.TryGetRow(id, out var row))
            {
                return false;
            }

            storage.RemoveAt(row);
            return true;
        }
        finally
        {
            gate.ExitWriteLock();
        }
    }

    /// <summary>The stored (for cosine, normalized) vector and metadata of an id.</summary>
    /// <param name="id">The id.</param>
    /// <param name="vector">A copy of the vector.</param>
    /// <param name="metadata">The metadata.</param>
    /// <returns>Whether the id is stored.</returns>
    public bool TryGet(string id, out float[] vector, out IReadOnlyDictionary<string, string> metadata)
    {
        gate.EnterReadLock();
        try
        {
            if (storage.TryGetRow(id, out var row))
            {
                vector = storage.Row(row).ToArray();
                metadata = storage.Metadata(row);
                return true;
            }

            vector = [];
            metadata = new Dictionary<string, string>();
            return false;
        }
        finally
        {
            gate.ExitReadLock();
        }
    }

    /// <inheritdoc />
    public IReadOnlyList<VectorHit> Search(ReadOnlySpan<float> query, int k, IReadOnlyDictionary<string, string>? filter = null) =>
        Search(query, k, filter is null ? null : meta => VectorStorage.Matches(meta, filter));

    /// <summary>Searches the vectors whose metadata passes a predicate (used by <see cref="EmbeddedChunkCollection"/>'s LINQ filters).</summary>
    internal IReadOnlyList<VectorHit> Search(ReadOnlySpan<float> query, int k, Func<IReadOnlyDictionary<string, string>, bool>? filter)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        var prepared = storage.PrepareQuery(query);
        gate.EnterReadLock();
        try
        {
            var count = storage.Count;
            var partitions = Math.Clamp(count / RowsPerPartition, 1, Environment.ProcessorCount);
            var heaps = new TopK[partitions];
            if (partitions == 1)
            {
                heaps[0] = Scan(prepared, k, filter, 0, count);
            }
            else
            {
                Parallel.For(0, partitions, p => heaps[p] = Scan(prepared, k, filter, (int)((long)count * p / partitions), (int)((long)count * (p + 1) / partitions)));
            }

            var merged = heaps[0];
            for (var p = 1; p < partitions; p++)
            {
                merged.Merge(heaps[p]);
            }

            return merged.Sorted(storage);
        }
        finally
        {
            gate.ExitReadLock();
        }
    }

    /// <inheritdoc />
    public void Save(Stream stream)
    {
        gate.EnterReadLock();
        try
        {
            var writer = IndexFile.BeginWrite(stream, 'E');
            storage.Write(writer);
            IndexFile.EndWrite(writer);
        }
        finally
        {
            gate.ExitReadLock();
        }
    }

    /// <summary>A snapshot of the ids and metadata, in storage order.</summary>
    internal IReadOnlyList<(string Id, IReadOnlyDictionary<string, string> Metadata)> Entries()
    {
        gate.EnterReadLock();
        try
        {
            return Enumerable.Range(0, storage.Count).Select(row => (storage.Id(row), storage.Metadata(row))).ToArray();
        }
        finally
        {
            gate.ExitReadLock();
        }
    }

    private TopK Scan(float[] query, int k, Func<IReadOnlyDictionary<string, string>, bool>? filter, int from, int to)
    {
        var top = new TopK(k);
        for (var row = from; row < to; row++)
        {
            if (filter is null || filter(storage.Metadata(row)))
            {
                top.Offer(row, storage.Score(row, query));
            }
        }

        return top;
    }
}
