using Declarative.Retrieval.Sql;
using Declarative.Runtime.LLama;
using Declarative.Testing;

namespace Declarative.Retrieval.Tests.Sql;

/// <summary>The tiny generated GGUF model, decoding under the schema grammar through Declarative.Runtime.LLama.</summary>
public sealed class TinyLlamaFixture : IDisposable
{
    public TinyLlamaFixture()
    {
        Folder = Directory.CreateTempSubdirectory("declarative-sql-llama-").FullName;
        var path = Path.Combine(Folder, "tiny.gguf");
        TinyGguf.Write(path);
        Model = LlamaModel.Load(path, new LlamaModelOptions { ContextSize = 4096, GpuLayerCount = 0 });
    }

    public string Folder { get; }

    public LlamaModel Model { get; }

    public void Dispose()
    {
        Model.Dispose();
        Directory.Delete(Folder, recursive: true);
    }
}

public class TextToSqlLlamaTests(SampleDatabaseFixture database, TinyLlamaFixture llama) : IClassFixture<SampleDatabaseFixture>, IClassFixture<TinyLlamaFixture>
{
    [Fact]
    public async Task Every_sampled_query_is_in_the_grammar_and_prepares_on_the_database()
    {
        using var client = llama.Model.CreateChatClient();
        var module = new TextToSql(database.Schema, database.Checker);
        var distinct = new HashSet<string>(StringComparer.Ordinal);
        for (var seed = 0; seed < 20; seed++)
        {
            var settings = new CallSettings { Temperature = 1f, Seed = seed, MaxTokens = 96 };
            var result = await module.InvokeAsync("Which customers ordered the most?", new RunContext(client), settings);
            Assert.True(database.GrammarAccepts(result.Sql), result.Sql);
            var verdict = database.Checker.Check(result.Sql);
            Assert.True(verdict.IsAllowed, $"{result.Sql}: {verdict}");
            distinct.Add(result.Sql);
        }

        Assert.True(distinct.Count >= 10, string.Join("\n", distinct));
    }
}
