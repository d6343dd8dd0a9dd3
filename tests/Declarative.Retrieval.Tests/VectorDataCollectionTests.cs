using Microsoft.Extensions.AI;
using Microsoft.Extensions.VectorData;

namespace Declarative.Retrieval.Tests;

public sealed class VectorDataCollectionTests
{
    private static async Task<(VectorStoreCollection<string, ChunkRecord> Collection, HashingEmbeddingGenerator Embedder)> BuildAsync()
    {
        var embedder = new HashingEmbeddingGenerator(64);
        var collection = new EmbeddedChunkCollection("docs", new ExactVectorIndex(64), embedder);
        await collection.EnsureCollectionExistsAsync();
        var documents = new[]
        {
            new Document("a", "Install the package with dotnet add package.", new DocumentMetadata { Source = "install.md", HeadingPath = ["Setup"] }),
            new Document("b", "Configure the port in settings json.", new DocumentMetadata { Source = "config.md" }),
            new Document("c", "The port can also come from an environment variable.", new DocumentMetadata { Source = "env.md" }),
        };
        foreach (var chunk in new TextChunker().Split(documents))
        {
            var vector = await embedder.GenerateVectorAsync(chunk.Text);
            await collection.UpsertAsync(ChunkRecord.From(chunk, vector));
        }

        return (collection, embedder);
    }

    [Fact]
    public async Task Records_round_trip_through_the_vector_data_abstraction()
    {
        var (collection, _) = await BuildAsync();
        var record = await collection.GetAsync("a:0");
        Assert.NotNull(record);
        Assert.Equal("Install the package with dotnet add package.", record.Text);
        Assert.Equal("install.md", record.Source);
        Assert.Equal("Setup", record.Heading);
        Assert.True(record.Embedding.IsEmpty);
        Assert.Equal(64, (await collection.GetAsync("a:0", new RecordRetrievalOptions { IncludeVectors = true }))!.Embedding.Length);
        Assert.Null(await collection.GetAsync("zz"));

        var filtered = await collection.GetAsync(r => r.Source != null && r.Source.EndsWith(".md") && r.Text.Contains("port"), 10).ToListAsync();
        Assert.Equal(["b:0", "c:0"], filtered.Select(r => r.Key));
        await collection.DeleteAsync("b:0");
        Assert.Null(await collection.GetAsync("b:0"));
    }

    [Fact]
    public async Task Search_by_text_applies_filters_skip_and_threshold()
    {
        var (collection, embedder) = await BuildAsync();
        var results = await collection.SearchAsync("which port", 2).ToListAsync();
        Assert.Equal(2, results.Count);
        Assert.All(results, r => Assert.Contains("port", r.Record.Text, StringComparison.Ordinal));
        Assert.True(results[0].Score >= results[1].Score);

        var onlyEnv = await collection.SearchAsync("which port", 3, new VectorSearchOptions<ChunkRecord> { Filter = r => r.Source == "env.md" }).ToListAsync();
        Assert.Equal("c:0", Assert.Single(onlyEnv).Record.Key);

        var skipped = await collection.SearchAsync("which port", 1, new VectorSearchOptions<ChunkRecord> { Skip = 1 }).ToListAsync();
        Assert.Equal(results[1].Record.Key, Assert.Single(skipped).Record.Key);

        var byVector = await collection.SearchAsync(await embedder.GenerateVectorAsync("install package"), 1).ToListAsync();
        Assert.Equal("a:0", byVector[0].Record.Key);
        Assert.Empty(await collection.SearchAsync("which port", 3, new VectorSearchOptions<ChunkRecord> { ScoreThreshold = 1.01 }).ToListAsync());

        await Assert.ThrowsAsync<NotSupportedException>(async () => await new EmbeddedChunkCollection("x", new ExactVectorIndex(64)).SearchAsync("text", 1).ToListAsync());
        await collection.EnsureCollectionDeletedAsync();
        Assert.False(await collection.CollectionExistsAsync());
        Assert.Null(await collection.GetAsync("a:0"));
    }
}
