namespace Declarative.Retrieval.Tests;

public sealed class KeywordAndFusionTests : IDisposable
{
    private readonly string path = Path.Combine(Path.GetTempPath(), $"bm25-{Guid.NewGuid():N}.db");

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        foreach (var file in new[] { path, path + "-wal", path + "-shm" })
        {
            File.Delete(file);
        }
    }

    private static IEnumerable<(string, string, IReadOnlyDictionary<string, string>?)> Corpus() =>
    [
        ("a", "The cat sat on the mat.", new Dictionary<string, string> { ["lang"] = "en" }),
        ("b", "Dogs chase cats across the garden; the cat escapes.", new Dictionary<string, string> { ["lang"] = "en" }),
        ("c", "Vector indexes store embeddings for similarity search.", new Dictionary<string, string> { ["lang"] = "en" }),
        ("d", "Le café est très bon.", new Dictionary<string, string> { ["lang"] = "fr" }),
    ];

    [Fact]
    public void Bm25_ranks_by_term_relevance_in_a_real_file_and_survives_reopening()
    {
        using (var index = new Bm25Index(path))
        {
            index.Add(Corpus());
            var hits = index.Search("cat", 10);
            Assert.Equal(["b", "a"], hits.Select(h => h.Id).Order(StringComparer.Ordinal).Reverse());
            Assert.True(hits[0].Score >= hits[1].Score);
            Assert.Equal("c", index.Search("similarity embeddings", 1)[0].Id);
            Assert.Equal("d", index.Search("cafe", 3)[0].Id); // diacritics removed
            Assert.Equal("Le café est très bon.", index.Search("cafe", 3)[0].Metadata[Passage.TextKey]);
        }

        using var reopened = new Bm25Index(path);
        Assert.Equal(4, reopened.Count);
        Assert.Equal(["a", "b"], reopened.Search("mat cats cat", 5).Select(h => h.Id).Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("\"cat")]
    [InlineData("cat*")]
    [InlineData("NEAR(cat mat)")]
    [InlineData("text: cat")]
    [InlineData("cat) OR (")]
    [InlineData("cat'; DROP TABLE items; --")]
    [InlineData("-cat ^mat AND NOT")]
    public void Fts_syntax_in_a_query_is_searched_as_words(string query)
    {
        using var index = new Bm25Index(path);
        index.Add(Corpus());
        Assert.Contains(index.Search(query, 10), h => h.Id == "a");
        Assert.Equal(4, index.Count);
    }

    [Fact]
    public void Queries_without_words_find_nothing_and_filters_and_replacement_apply()
    {
        using var index = new Bm25Index(path);
        index.Add(Corpus());
        Assert.Empty(index.Search("  ()\"*: ", 5));
        Assert.Empty(index.Search("cat", 5, new Dictionary<string, string> { ["lang"] = "fr" }));
        Assert.Equal("a", index.Search("mat", 5, new Dictionary<string, string> { ["lang"] = "en" })[0].Id);
        index.Add([("a", "nothing feline here", null)]);
        Assert.Equal(["b"], index.Search("cat", 5).Select(h => h.Id));
        Assert.True(index.Remove("b"));
        Assert.Empty(index.Search("cat", 5));
        Assert.Equal(3, index.Count);
    }

    private static VectorHit Hit(string id, float score) => new(id, score, new Dictionary<string, string>());

    [Fact]
    public void Reciprocal_rank_fusion_sums_one_over_rank_plus_sixty()
    {
        var fused = ScoreFusion.ReciprocalRank([[Hit("x", 9), Hit("y", 8)], [Hit("y", 0.5f), Hit("z", 0.4f)]], 3);
        Assert.Equal(["y", "x", "z"], fused.Select(h => h.Id));
        Assert.Equal((1 / 62.0) + (1 / 61.0), fused[0].Score, 6);
        Assert.Equal(1 / 61.0, fused[1].Score, 6);
    }

    [Fact]
    public void Weighted_fusion_normalizes_each_list_before_weighting()
    {
        // BM25-like scores in the tens and cosine scores below one: normalization makes them comparable.
        var keyword = new[] { Hit("k1", 30), Hit("both", 20), Hit("k2", 10) };
        var vector = new[] { Hit("both", 0.9f), Hit("v1", 0.5f), Hit("v2", 0.1f) };
        var fused = ScoreFusion.Weighted([keyword, vector], [0.3, 0.7], 2);
        Assert.Equal(["both", "v1"], fused.Select(h => h.Id));
        Assert.Equal((0.3 * 0.5) + 0.7, fused[0].Score, 5);
        Assert.Equal(0.7 * 0.5, fused[1].Score, 5);
        Assert.Throws<ArgumentException>(() => ScoreFusion.Weighted([keyword], [0.5, 0.5], 2));
    }
}
