using Declarative.Decoding;
using Declarative.Retrieval.Sql;
using Declarative.Runtime.LLama;
using Declarative.Testing;
using Xunit.Abstractions;

namespace Declarative.Retrieval.Tests.Sql;

/// <summary>The tiny generated GGUF model, decoding under the schema grammar through Declarative.Runtime.LLama.</summary>
public sealed class TinyLlamaFixture : IDisposable
{
    public TinyLlamaFixture()
    {
        Folder = Directory.CreateTempSubdirectory("declarative-sql-llama-").FullName;
        Path = System.IO.Path.Combine(Folder, "tiny.gguf");
        TinyGguf.Write(Path);
        Model = LlamaModel.Load(Path, new LlamaModelOptions { ContextSize = 4096, GpuLayerCount = 0 });
    }

    public string Folder { get; }

    public string Path { get; }

    public LlamaModel Model { get; }

    public void Dispose()
    {
        Model.Dispose();
        Directory.Delete(Folder, recursive: true);
    }
}

public class TextToSqlLlamaTests(SampleDatabaseFixture database, TinyLlamaFixture llama, ITestOutputHelper output) : IClassFixture<SampleDatabaseFixture>, IClassFixture<TinyLlamaFixture>
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
            output.WriteLine($"seed {seed}: {result.Sql} -> {result.Rows.Rows.Count} row(s)");
        }

        Assert.True(distinct.Count >= 10, string.Join("\n", distinct));
    }

    [Fact]
    public void Llama_cpp_parses_the_gbnf_and_agrees_with_the_matcher_token_by_token()
    {
        var tokens = new TokenGrammar(database.Compiled, GgufVocabulary.Load(llama.Path));
        foreach (var (sql, expected) in SqlCorpus.GoodQueries.Select(q => (q, true)).Concat(SqlCorpus.BadQueries.Where(q => q.Length > 0).Select(q => (q, false))))
        {
            using var sampler = Runtime.LLama.LlamaGbnf.CreateSampler(llama.Model.Weights, database.Grammar);
            Assert.True(expected == LlamaAccepts(sampler, tokens, System.Text.Encoding.UTF8.GetBytes(sql)), sql);
        }
    }

    private static bool LlamaAccepts(global::LLama.Native.SafeLLamaSamplerChainHandle sampler, TokenGrammar tokens, byte[] document)
    {
        var position = 0;
        while (position < document.Length)
        {
            var token = tokens.LongestToken(document.AsSpan(position));
            if (token < 0 || !Runtime.LLama.LlamaGbnf.Allows(sampler, token))
            {
                return false;
            }

            sampler.Accept(token);
            position += tokens.Vocabulary[token].Length;
        }

        return Runtime.LLama.LlamaGbnf.Allows(sampler, TinyGguf.End);
    }
}
