using System.Numerics.Tensors;

namespace Declarative.Retrieval.Tests;

public sealed class VectorIndexTests
{
    internal static float[][] RandomVectors(int count, int dims, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => Enumerable.Range(0, dims).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray()).ToArray();
    }

    private static string[] BruteForce(float[][] vectors, float[] query, int k, VectorMetric metric, Func<int, bool>? keep = null)
    {
        float Score(float[] v) => metric == VectorMetric.Cosine ? TensorPrimitives.CosineSimilarity(v, query) : TensorPrimitives.Dot(v, query);
        return vectors.Select((v, i) => (i, s: Score(v))).Where(p => keep?.Invoke(p.i) ?? true)
            .OrderByDescending(p => p.s).ThenBy(p => p.i).Take(k).Select(p => "v" + p.i).ToArray();
    }

    [Theory]
    [InlineData(VectorMetric.Cosine)]
    [InlineData(VectorMetric.DotProduct)]
    public void Exact_index_returns_the_brute_force_top_k(VectorMetric metric)
    {
        var vectors = RandomVectors(500, 24, 1);
        var index = new ExactVectorIndex(24, metric);
        for (var i = 0; i < vectors.Length; i++)
        {
            index.Add("v" + i, vectors[i], new Dictionary<string, string> { ["parity"] = (i % 2).ToString(System.Globalization.CultureInfo.InvariantCulture) });
        }

        foreach (var query in RandomVectors(20, 24, 2))
        {
            Assert.Equal(BruteForce(vectors, query, 10, metric), index.Search(query, 10).Select(h => h.Id));
            Assert.Equal(
                BruteForce(vectors, query, 5, metric, i => i % 2 == 1),
                index.Search(query, 5, new Dictionary<string, string> { ["parity"] = "1" }).Select(h => h.Id));
        }
    }

    [Fact]
    public void Exact_index_replaces_and_removes_by_id()
    {
        var index = new ExactVectorIndex(2);
        index.Add("a", [1, 0]);
        index.Add("b", [0, 1]);
        index.Add("a", [0, 2]); // replaced: now points like b
        Assert.Equal(2, index.Count);
        Assert.Equal(1f, index.Search([0, 1], 2)[1].Score, 5);
        Assert.True(index.Remove("b"));
        Assert.False(index.Remove("b"));
        Assert.Equal(["a"], index.Search([0, 1], 5).Select(h => h.Id));
    }

    [Fact]
    public void Vectors_of_the_wrong_size_or_without_direction_are_rejected()
    {
        var index = new ExactVectorIndex(3);
        Assert.Contains("3", Assert.Throws<ArgumentException>(() => index.Add("a", [1, 2])).Message, StringComparison.Ordinal);
        Assert.Contains("norm", Assert.Throws<ArgumentException>(() => index.Add("a", [0, 0, 0])).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Exact_index_round_trips_through_its_file_format()
    {
        var vectors = RandomVectors(200, 16, 3);
        var index = new ExactVectorIndex(16);
        for (var i = 0; i < vectors.Length; i++)
        {
            index.Add("v" + i, vectors[i], new Dictionary<string, string> { ["text"] = $"chunk {i} 😀" });
        }

        var path = Path.Combine(Path.GetTempPath(), $"exact-{Guid.NewGuid():N}.idx");
        try
        {
            using (var file = File.Create(path))
            {
                index.Save(file);
            }

            using var read = File.OpenRead(path);
            var loaded = ExactVectorIndex.Load(read);
            var query = RandomVectors(1, 16, 4)[0];
            Assert.Equal(index.Search(query, 7), loaded.Search(query, 7), new HitComparer());
            Assert.Equal("chunk 5 😀", loaded.Search(vectors[5], 1)[0].Metadata["text"]);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Loading_a_wrong_or_damaged_file_gives_a_typed_error()
    {
        var index = new HnswIndex(4);
        index.Add("a", [1, 2, 3, 4]);
        index.Add("b", [4, 3, 2, 1]);
        var bytes = Save(index);

        Assert.Contains("not a saved Declarative index", Assert.Throws<IndexFormatException>(() => ExactVectorIndex.Load(new MemoryStream("hello world, not an index"u8.ToArray()))).Message, StringComparison.Ordinal);
        Assert.Contains("Load it with the matching type", Assert.Throws<IndexFormatException>(() => ExactVectorIndex.Load(new MemoryStream(bytes))).Message, StringComparison.Ordinal);
        Assert.Contains("cut short", Assert.Throws<IndexFormatException>(() => HnswIndex.Load(new MemoryStream(bytes[..(bytes.Length / 2)]))).Message, StringComparison.Ordinal);
        var versioned = bytes.ToArray();
        versioned[7] = 99;
        Assert.Contains("version 99", Assert.Throws<IndexFormatException>(() => HnswIndex.Load(new MemoryStream(versioned))).Message, StringComparison.Ordinal);
        var damagedLink = bytes.ToArray();
        damagedLink[^8] = 0x7F; // a link of the last node, now far outside the graph
        Assert.Throws<IndexFormatException>(() => HnswIndex.Load(new MemoryStream(damagedLink)));
        Assert.Equal(2, HnswIndex.Load(new MemoryStream(bytes)).Count);
    }

    [Fact]
    public void Hnsw_finds_nearly_all_exact_neighbors()
    {
        var vectors = RandomVectors(3000, 32, 5);
        var hnsw = new HnswIndex(32, new HnswOptions { M = 12, EfConstruction = 100, EfSearch = 80 });
        var exact = new ExactVectorIndex(32);
        for (var i = 0; i < vectors.Length; i++)
        {
            hnsw.Add("v" + i, vectors[i]);
            exact.Add("v" + i, vectors[i]);
        }

        var queries = RandomVectors(50, 32, 6);
        var found = queries.Sum(q => hnsw.Search(q, 10).Select(h => h.Id).Intersect(exact.Search(q, 10).Select(h => h.Id)).Count());
        var recall = found / (50.0 * 10);
        Assert.True(recall >= 0.9, $"recall@10 {recall:F3}");
        var narrow = queries.Sum(q => hnsw.Search(q, 10, efSearch: 10).Select(h => h.Id).Intersect(exact.Search(q, 10).Select(h => h.Id)).Count()) / 500.0;
        Assert.True(narrow <= recall, "a smaller efSearch should not find more");
    }

    [Fact]
    public void Hnsw_keeps_clusters_larger_than_its_link_lists_connected()
    {
        // 40 tight clusters of 100 vectors with M 4 (8 links on the bottom layer): a graph that kept only each node's
        // closest links would have no way out of a cluster, and queries near other clusters would find nothing.
        var random = new Random(8);
        var centres = RandomVectors(40, 16, 9);
        var vectors = Enumerable.Range(0, 4000).Select(i => centres[i % 40].Select(c => c + (float)((random.NextDouble() - 0.5) * 0.2)).ToArray()).ToArray();
        var hnsw = new HnswIndex(16, new HnswOptions { M = 4, EfConstruction = 40, EfSearch = 40 });
        var exact = new ExactVectorIndex(16);
        for (var i = 0; i < vectors.Length; i++)
        {
            hnsw.Add("v" + i, vectors[i]);
            exact.Add("v" + i, vectors[i]);
        }

        var queries = Enumerable.Range(0, 40).Select(i => centres[i].Select(c => c + (float)((random.NextDouble() - 0.5) * 0.2)).ToArray()).ToArray();
        var recall = queries.Sum(q => hnsw.Search(q, 10).Select(h => h.Id).Intersect(exact.Search(q, 10).Select(h => h.Id)).Count()) / 400.0;
        Assert.True(recall >= 0.9, $"recall@10 {recall:F3}");
    }

    [Fact]
    public void Hnsw_with_a_seed_is_deterministic_and_round_trips()
    {
        var vectors = RandomVectors(400, 8, 7);
        HnswIndex Build(int seed)
        {
            var index = new HnswIndex(8, new HnswOptions { Seed = seed, M = 6, EfConstruction = 20 });
            for (var i = 0; i < vectors.Length; i++)
            {
                index.Add("v" + i, vectors[i], new Dictionary<string, string> { ["group"] = (i % 3).ToString(System.Globalization.CultureInfo.InvariantCulture) });
            }

            return index;
        }

        var first = Save(Build(1));
        Assert.Equal(first, Save(Build(1)));
        Assert.NotEqual(first, Save(Build(2)));
        var loaded = HnswIndex.Load(new MemoryStream(first));
        Assert.Equal(first, Save(loaded));
        var filtered = loaded.Search(vectors[9], 5, new Dictionary<string, string> { ["group"] = "0" });
        Assert.Equal("v9", filtered[0].Id);
        Assert.All(filtered, h => Assert.Equal("0", h.Metadata["group"]));
    }

    private static byte[] Save(IVectorIndex index)
    {
        var stream = new MemoryStream();
        index.Save(stream);
        return stream.ToArray();
    }

    private sealed class HitComparer : IEqualityComparer<VectorHit>
    {
        public bool Equals(VectorHit? x, VectorHit? y) => x!.Id == y!.Id && x.Score == y.Score && x.Metadata.SequenceEqual(y.Metadata);

        public int GetHashCode(VectorHit obj) => obj.Id.GetHashCode(StringComparison.Ordinal);
    }
}
