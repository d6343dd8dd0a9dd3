using Microsoft.Extensions.AI;
using Microsoft.Extensions.VectorData;

namespace Declarative.Retrieval.Tests;

public sealed class EmbeddedVectorStoreTests
{
    [Fact]
    public async Task Code_written_against_VectorStore_creates_fills_searches_lists_and_deletes_collections()
    {
        var embedder = new HashingEmbeddingGenerator(64);
        VectorStore store = new EmbeddedVectorStore(64, embedder: embedder);
        var docs = store.GetCollection<string, ChunkRecord>("docs");
        await docs.EnsureCollectionExistsAsync();
        foreach (var (key, text) in new[] { ("a", "Install the package with dotnet add package."), ("b", "Configure the port in settings json.") })
        {
            await docs.UpsertAsync(new ChunkRecord { Key = key, Text = text, DocumentId = key, Embedding = await embedder.GenerateVectorAsync(text) });
        }

        Assert.Same(docs, store.GetCollection<string, ChunkRecord>("docs")); // one collection per name
        var hits = await docs.SearchAsync("which port", 1).ToListAsync();
        Assert.Equal("b", Assert.Single(hits).Record.Key);

        var other = store.GetCollection<string, ChunkRecord>("other");
        await other.EnsureCollectionExistsAsync();
        Assert.Equal(["docs", "other"], await store.ListCollectionNamesAsync().ToListAsync());
        Assert.True(await store.CollectionExistsAsync("docs"));

        await store.EnsureCollectionDeletedAsync("docs");
        Assert.False(await store.CollectionExistsAsync("docs"));
        Assert.Equal(["other"], await store.ListCollectionNamesAsync().ToListAsync());
        Assert.Empty(await store.GetCollection<string, ChunkRecord>("docs").GetAsync(r => true, 10).ToListAsync()); // a fresh, empty one
    }

    [Fact]
    public void Other_record_types_and_dynamic_collections_are_refused_with_the_fix()
    {
        var store = new EmbeddedVectorStore();
        var ex = Assert.Throws<NotSupportedException>(() => store.GetCollection<int, ChunkRecord>("x"));
        Assert.Contains("ChunkRecord", ex.Message, StringComparison.Ordinal);
        Assert.Throws<NotSupportedException>(() => store.GetDynamicCollection("x", new VectorStoreCollectionDefinition()));
        Assert.Same(store, store.GetService(typeof(VectorStore)));
    }
}
