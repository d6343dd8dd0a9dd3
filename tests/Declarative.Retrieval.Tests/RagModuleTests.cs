using Declarative.Testing;

namespace Declarative.Retrieval.Tests;

public sealed class RagModuleTests
{
    private const string Manual = """
        # Install

        Run the installer and accept the license.

        # Configure

        Set the port in settings.json; the default port is 8080.

        # Troubleshoot

        If the service does not start, read the log file in the logs folder.
        """;

    private static async Task<VectorRetriever> ManualRetrieverAsync()
    {
        var chunks = new TextChunker(new ChunkerOptions { ChunkSize = 200 }).Split(DocumentLoader.ParseMarkdown(Manual, "manual.md")).ToList();
        var retriever = new VectorRetriever(new HashingEmbeddingGenerator(), new ExactVectorIndex(256));
        Assert.Equal(chunks.Count, await retriever.AddAsync(chunks, batchSize: 2));
        return retriever;
    }

    [Fact]
    public async Task Retrieve_returns_the_chunk_with_its_text_and_heading()
    {
        var retrieve = new Retrieve(await ManualRetrieverAsync(), k: 2);
        var passages = await retrieve.InvokeAsync("which port is the default");
        Assert.Equal(2, passages.Count);
        Assert.Equal("manual.md#1:0", passages[0].Id);
        Assert.Contains("8080", passages[0].Text, StringComparison.Ordinal);
        Assert.Equal("Configure", passages[0].Metadata["heading"]);
        Assert.Equal("manual.md", passages[0].Metadata["source"]);
        Assert.Single(await retrieve.InvokeAsync("port", k: 1));
    }

    [Fact]
    public async Task Multi_query_searches_the_question_and_each_variant_and_fuses_by_rank()
    {
        var recorder = new RecordingRetriever(new Dictionary<string, string[]>
        {
            ["service broken"] = ["a", "b"],
            ["service fails to start"] = ["c", "b"],
            ["log file location"] = ["b", "d"],
        });
        var lm = new ScriptedChatClient().Answer(("queries", new List<string> { "service fails to start", "log file location", "service fails to start" }));
        var module = new MultiQueryRetrieve(recorder, k: 3, queries: 2);
        var result = await module.InvokeAsync("service broken", new RunContext(lm));

        Assert.Equal(["service broken", "service fails to start", "log file location"], result.Queries);
        Assert.Equal(result.Queries.Order(StringComparer.Ordinal), recorder.Queries.Order(StringComparer.Ordinal));
        Assert.Equal(["b", "a", "c"], result.Passages.Select(p => p.Id)); // b is found by all three queries
        Assert.Contains("Write 2 different search queries", lm.Requests[0].Messages[0].Text, StringComparison.Ordinal);
        Assert.Contains("service broken", lm.Requests[0].Messages[^1].Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Hyde_searches_with_the_hypothetical_passage_not_the_question()
    {
        var retriever = await ManualRetrieverAsync();
        var lm = new ScriptedChatClient().Answer(("passage", "When the service does not start, read the log file in the logs folder."));
        var result = await new HydeRetrieve(retriever, k: 1).InvokeAsync("Why is nothing happening?", new RunContext(lm));
        Assert.StartsWith("When the service", result.HypotheticalPassage, StringComparison.Ordinal);
        Assert.Equal("manual.md#2:0", Assert.Single(result.Passages).Id);

        var recorder = new RecordingRetriever(new Dictionary<string, string[]>());
        await new HydeRetrieve(recorder).InvokeAsync("q?", new RunContext(new ScriptedChatClient().Answer(("passage", "hypothetical text"))));
        Assert.Equal(["hypothetical text"], recorder.Queries);
    }

    [Fact]
    public void Budget_keeps_whole_passages_by_relevance_and_reports_the_dropped()
    {
        var budget = new ContextBudget(maxTokens: 12);
        var passages = new[]
        {
            P("low", "one two three", 0.1f),                                   // 3 tokens
            P("top", "alpha beta gamma delta epsilon zeta", 0.9f),             // 6 tokens
            P("big", "a b c d e f g h i j k l m n o p q r s t", 0.8f),         // too big to fit after top
            P("mid", "red green", 0.5f),                                       // 2 tokens
        };
        var fitted = budget.Fit(passages);
        Assert.Equal(["top", "mid", "low"], fitted.Included.Select(p => p.Id));
        Assert.Equal("big", Assert.Single(fitted.Dropped).Passage.Id);
        Assert.True(fitted.Dropped[0].Tokens > 12 - fitted.UsedTokens + 2);
        Assert.True(fitted.UsedTokens <= 12);
        Assert.Equal(passages.Where(p => p.Id != "big").Sum(p => DefaultTokenizer.Instance.CountTokens(p.Text)), fitted.UsedTokens);
        Assert.All(fitted.Included, p => Assert.Same(passages.Single(q => q.Id == p.Id), p));
    }

    [Fact]
    public async Task Cited_answer_extracts_facts_then_answers_and_checks_citations()
    {
        var passages = new[] { P("m#1:0", "The default port is 8080.", 0.9f), P("m#0:0", "Run the installer.", 0.5f), P("m#9:0", string.Join(' ', Enumerable.Repeat("filler", 100)), 0.4f) };
        var lm = new ScriptedChatClient()
            .Answer(("facts", new List<string> { "The default port is 8080 [m#1:0]" }))
            .Answer(("answer", "8080"), ("citations", new List<string> { "[m#1:0]", "m#7:3" }));
        var module = new CitedAnswer(new ContextBudget(50));
        var result = await module.InvokeAsync("What is the default port?", passages, new RunContext(lm));

        Assert.Equal("8080", result.Answer);
        Assert.Equal(["The default port is 8080 [m#1:0]"], result.Facts);
        Assert.Equal(["m#1:0"], result.Citations);
        Assert.Equal(["m#7:3"], result.UnknownCitations);
        Assert.Equal("m#9:0", Assert.Single(result.Context.Dropped).Passage.Id);
        var extractRequest = lm.Requests[0].Messages[^1].Text;
        Assert.Contains("[m#1:0] The default port is 8080.", extractRequest, StringComparison.Ordinal);
        Assert.DoesNotContain("filler", extractRequest, StringComparison.Ordinal);
        Assert.Contains("The default port is 8080 [m#1:0]", lm.Requests[1].Messages[^1].Text, StringComparison.Ordinal);
        Assert.Equal(["extract", "answer"], module.NamedPredictors().Select(p => p.Name));

        // Retrieved passages, and the facts drawn from them, are untrusted inputs: UseGuards spotlights and scans them.
        Assert.Equal(["passages"], Untrusted(lm.Requests[0].Options));
        Assert.Equal(["facts"], Untrusted(lm.Requests[1].Options));
        static string[] Untrusted(Microsoft.Extensions.AI.ChatOptions? o) =>
            Assert.IsType<string[]>(o?.AdditionalProperties?.TryGetValue(OptionKeys.UntrustedFields, out var v) == true ? v : null);
    }

    [Fact]
    public async Task Cited_answer_falls_back_to_the_ids_in_the_facts()
    {
        var lm = new ScriptedChatClient()
            .Answer(("facts", new List<string> { "Port 8080 [a]", "Installer [b] and [zz]" }))
            .Answer(("answer", "8080"), ("citations", new List<string>()));
        var result = await new CitedAnswer().InvokeAsync("port?", [P("a", "Port 8080", 1), P("b", "Installer", 0.5f)], new RunContext(lm));
        Assert.Equal(["a", "b"], result.Citations);
        Assert.Equal(["zz"], result.UnknownCitations);
        Assert.Empty(result.Context.Dropped);
    }

    [Fact]
    public async Task Hybrid_retrieval_fuses_by_rank_or_by_weighted_scores()
    {
        var keyword = new RecordingRetriever(new Dictionary<string, string[]> { ["q"] = ["k1", "both", "k2"] });
        var vector = new RecordingRetriever(new Dictionary<string, string[]> { ["q"] = ["both", "v1"] });
        var rrf = await new HybridRetriever([(keyword, 1.0), (vector, 1.0)]).RetrieveAsync("q", 3);
        Assert.Equal(["both", "k1", "v1"], rrf.Select(p => p.Id));
        Assert.Equal("text of both", rrf[0].Text);

        // Min-max normalization gives each list's last hit 0, so with one list weighted 0 only the other's order counts.
        var vectorOnly = await new HybridRetriever([(keyword, 0.0), (vector, 1.0)], FusionMethod.Weighted).RetrieveAsync("q", 1);
        Assert.Equal("both", Assert.Single(vectorOnly).Id);
        var keywordOnly = await new HybridRetriever([(keyword, 1.0), (vector, 0.0)], FusionMethod.Weighted).RetrieveAsync("q", 1);
        Assert.Equal("k1", Assert.Single(keywordOnly).Id);
        Assert.Throws<ArgumentException>(() => new HybridRetriever([(keyword, -1.0)]));
    }

    internal static Passage P(string id, string text, float score) => new(id, text, score, new Dictionary<string, string>());

    /// <summary>Answers fixed id lists per query and records the queries it was asked.</summary>
    internal sealed class RecordingRetriever(IReadOnlyDictionary<string, string[]> answers) : IRetriever
    {
        private readonly List<string> queries = [];

        public IReadOnlyList<string> Queries
        {
            get
            {
                lock (queries)
                {
                    return queries.ToArray();
                }
            }
        }

        public Task<IReadOnlyList<Passage>> RetrieveAsync(string query, int k, CancellationToken cancellationToken = default)
        {
            lock (queries)
            {
                queries.Add(query);
            }

            var ids = answers.TryGetValue(query, out var found) ? found : [];
            return Task.FromResult<IReadOnlyList<Passage>>(ids.Take(k).Select((id, i) => P(id, "text of " + id, 1f / (i + 1))).ToArray());
        }
    }
}
