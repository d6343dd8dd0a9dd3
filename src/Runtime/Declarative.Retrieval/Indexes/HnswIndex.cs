namespace Declarative.Retrieval;

/// <summary>
/// An approximate vector index: a hierarchical navigable small-world graph (Malkov and Yashunin, 2016). Searches visit
/// a few hundred nodes instead of all of them; <see cref="HnswOptions.EfSearch"/> trades speed for recall. Layer
/// assignment is seeded, so the same vectors added in the same order give the same graph.
/// </summary>
/// <remarks>
/// Thread-safe: searches run concurrently, additions wait for them. Adding an existing id replaces its vector and
/// relinks the node. A filtered search walks the whole graph as usual but returns only matching nodes, so a filter that
/// few vectors pass may return fewer than k hits: use <see cref="ExactVectorIndex"/> for narrow filters.
/// </remarks>
public sealed partial class HnswIndex : IVectorIndex
{
    private readonly ReaderWriterLockSlim gate = new(LockRecursionPolicy.NoRecursion);
    private readonly VectorStorage storage;
    private readonly int m;
    private readonly int m0;
    private readonly int efConstruction;
    private readonly double levelFactor;
    private readonly Random random;
    private readonly List<int> levels = [];
    private readonly List<int[][]?> upper = [];
    private int[] links0;
    private int entryPoint = -1;
    private int maxLevel = -1;

    /// <summary>Creates an empty index.</summary>
    /// <param name="dimensions">The number of dimensions of every vector.</param>
    /// <param name="options">The options (default: M 16, efConstruction 200, efSearch 64, seed 42, cosine).</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range; the message names it.</exception>
    public HnswIndex(int dimensions, HnswOptions? options = null)
    {
        options ??= new HnswOptions();
        options.Validate();
        Options = new HnswOptions { M = options.M, EfConstruction = options.EfConstruction, EfSearch = options.EfSearch, Seed = options.Seed, Metric = options.Metric };
        storage = new VectorStorage(dimensions, options.Metric);
        m = options.M;
        m0 = 2 * options.M;
        efConstruction = options.EfConstruction;
        levelFactor = 1 / Math.Log(options.M);
        random = new Random(options.Seed);
        links0 = new int[16 * (m0 + 1)];
    }

    /// <summary>A copy of the options the index was built with.</summary>
    public HnswOptions Options { get; }

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

    /// <inheritdoc />
    public void Add(string id, ReadOnlySpan<float> vector, IReadOnlyDictionary<string, string>? metadata = null)
    {
        gate.EnterWriteLock();
        try
        {
            var (node, added) = storage.Put(id, vector, metadata);
            if (added)
            {
                var level = (int)(-Math.Log(1 - random.NextDouble()) * levelFactor);
                levels.Add(level);
                upper.Add(level == 0 ? null : Enumerable.Range(0, level).Select(_ => new int[m + 1]).ToArray());
                if ((long)(node + 1) * (m0 + 1) > links0.Length)
                {
                    Array.Resize(ref links0, checked((int)Math.Min(Array.MaxLength, Math.Max((long)links0.Length * 2, (long)(node + 1) * (m0 + 1)))));
                }

                links0[node * (m0 + 1)] = 0;
            }

            Link(node);
        }
        finally
        {
            gate.ExitWriteLock();
        }
    }

    /// <inheritdoc />
    public IReadOnlyList<VectorHit> Search(ReadOnlySpan<float> query, int k, IReadOnlyDictionary<string, string>? filter = null) =>
        Search(query, k, Options.EfSearch, filter);

    /// <summary>Searches with another candidate list size than <see cref="HnswOptions.EfSearch"/>.</summary>
    /// <param name="query">The query vector.</param>
    /// <param name="k">How many hits at most.</param>
    /// <param name="efSearch">Candidates kept (at least k is used).</param>
    /// <param name="filter">Metadata pairs a hit must all have; <see langword="null"/> for none.</param>
    /// <returns>The hits, best first.</returns>
    public IReadOnlyList<VectorHit> Search(ReadOnlySpan<float> query, int k, int efSearch, IReadOnlyDictionary<string, string>? filter = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(efSearch, 1);
        var prepared = storage.PrepareQuery(query);
        gate.EnterReadLock();
        try
        {
            if (entryPoint < 0)
            {
                return [];
            }

            var current = entryPoint;
            var currentScore = storage.Score(current, prepared);
            for (var layer = maxLevel; layer > 0; layer--)
            {
                (current, currentScore) = Greedy(prepared, current, currentScore, layer);
            }

            var found = SearchLayer(prepared, [current], Math.Max(efSearch, k), 0, filter, exclude: -1);
            var top = new TopK(k);
            foreach (var (node, score) in found)
            {
                top.Offer(node, score);
            }

            return top.Sorted(storage);
        }
        finally
        {
            gate.ExitReadLock();
        }
    }

    /// <summary>An estimate of the memory the index holds: vectors, links and ids (not the metadata strings).</summary>
    /// <returns>Bytes.</returns>
    public long EstimateMemoryBytes()
    {
        gate.EnterReadLock();
        try
        {
            long bytes = (long)storage.Count * storage.Dimensions * sizeof(float) + (long)links0.Length * sizeof(int);
            foreach (var layers in upper)
            {
                bytes += layers is null ? 8 : layers.Length * ((m + 1) * sizeof(int) + 32);
            }

            return bytes + storage.Count * 64L;
        }
        finally
        {
            gate.ExitReadLock();
        }
    }
}
