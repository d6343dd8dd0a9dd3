namespace Declarative.Retrieval.Tests;

public sealed class QualityCorpusTests
{
    private static string DataDirectory => Path.Combine(AppContext.BaseDirectory, "Data");

    [Fact]
    public async Task Every_label_names_a_section_of_the_corpus()
    {
        var (chunks, queries) = await QualityCorpus.LoadAsync(DataDirectory);
        Assert.True(chunks.Count > 50, $"{chunks.Count} chunks");
        Assert.InRange(queries.Count, 20, 30);
        Assert.All(queries, q => Assert.True(q.Relevant.Count > 0, $"no chunk under '{q.Heading}' in {q.Source}"));
    }

    [Fact]
    public async Task Keyword_and_hybrid_retrieval_find_most_labelled_sections()
    {
        var (chunks, queries) = await QualityCorpus.LoadAsync(DataDirectory);
        using var bm25 = new Bm25Index(":memory:");
        bm25.Add(chunks);
        var keyword = new KeywordRetriever(bm25);
        var vectors = new VectorRetriever(new HashingEmbeddingGenerator(512), new ExactVectorIndex(512));
        await vectors.AddAsync(chunks);
        var hybrid = new HybridRetriever([(keyword, 1.0), (vectors, 1.0)]);

        var keywordRecall = await QualityCorpus.RecallAtKAsync(keyword, queries, 5);
        var hybridRecall = await QualityCorpus.RecallAtKAsync(hybrid, queries, 5);
        Assert.True(keywordRecall >= 0.6, $"BM25 recall@5 {keywordRecall:F2}");
        Assert.True(hybridRecall >= 0.6, $"hybrid recall@5 {hybridRecall:F2}");
        Assert.True(await QualityCorpus.RecallAtKAsync(keyword, queries, 1) <= keywordRecall);
    }
}

public sealed class MiniLmRetrievalTests
{
    [Fact]
    public async Task MiniLm_vectors_find_the_labelled_sections_through_an_hnsw_index()
    {
        var (chunks, queries) = await QualityCorpus.LoadAsync(Path.Combine(AppContext.BaseDirectory, "Data"));
        using var embedder = Declarative.Runtime.Onnx.OnnxEmbeddings.Create();
        var retriever = new VectorRetriever(embedder, new HnswIndex(384, new HnswOptions { M = 8, EfConstruction = 64 }));
        await retriever.AddAsync(chunks, batchSize: 32);
        var recall = await QualityCorpus.RecallAtKAsync(retriever, queries, 5);
        Assert.True(recall >= 0.85, $"MiniLM recall@5 {recall:F2}");
    }
}
