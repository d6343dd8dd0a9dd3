// Declarative RAG: this repository's docs chunked, embedded with MiniLM (ONNX, CPU), indexed for vector and BM25
// search, fused, widened with multi-query, and answered with citations to chunk ids. Embeddings and search are real;
// the LM steps run offline with scripted answers unless OPENAI_API_KEY is set.
using Declarative;
using Declarative.Retrieval;
using Declarative.Runtime.Onnx;
using Declarative.Runtime.OpenAI;
using Declarative.Testing;
using Microsoft.Extensions.AI;

var docs = FindDocs();
var documents = new List<Document>();
foreach (var file in Directory.GetFiles(docs, "*.md").Order(StringComparer.Ordinal))
{
    documents.AddRange(await DocumentLoader.LoadMarkdownAsync(file));
}

var chunks = new TextChunker(new ChunkerOptions { ChunkSize = 800 }).Split(documents).ToList();
Console.WriteLine($"{documents.Count} sections of {docs} -> {chunks.Count} chunks");

// Indexes: exact vectors (MiniLM) and BM25 (SQLite FTS5 in a file), fused by reciprocal rank.
using var embedder = OnnxEmbeddings.Create();
var vectors = new VectorRetriever(embedder, new ExactVectorIndex(384));
await vectors.AddAsync(chunks);
var folder = Directory.CreateTempSubdirectory("declarative-rag-").FullName;
try
{
    using var bm25 = new Bm25Index(Path.Combine(folder, "bm25.db"));
    bm25.Add(chunks);
    var hybrid = new HybridRetriever([(vectors, 1.0), (new KeywordRetriever(bm25), 1.0)]);

    var question = "How do I continue an optimization run that was killed?";
    var client = ChooseModel();
    var context = new RunContext(client);
    var retrieved = await new MultiQueryRetrieve(hybrid, k: 4).InvokeAsync(question, context);
    Console.WriteLine($"\nQ: {question}\nqueries: {string.Join(" | ", retrieved.Queries)}");
    foreach (var passage in retrieved.Passages)
    {
        Console.WriteLine($"  {passage.Id} ({passage.Metadata.GetValueOrDefault("heading")})");
    }

    if (client is ScriptedChatClient scripted)
    {
        var top = retrieved.Passages[0].Id;
        scripted.When("`citations`", ("answer", "Run the same optimize command again with --resume."), ("citations", new[] { top }))
                .When("`facts`", ("facts", new[] { $"A killed run continues with --resume [{top}]" }));
    }

    var answer = await new CitedAnswer(new ContextBudget(2000)).InvokeAsync(question, retrieved.Passages, context);
    Console.WriteLine($"\nA: {answer.Answer}\ncited: {string.Join(", ", answer.Citations)}");
    if (answer.UnknownCitations.Count > 0)
    {
        Console.WriteLine($"cited but not shown (dropped): {string.Join(", ", answer.UnknownCitations)}");
    }

    return answer.Citations.Count > 0 ? 0 : 1;
}
finally
{
    Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    Directory.Delete(folder, recursive: true);
}

static IChatClient ChooseModel()
{
    if (Environment.GetEnvironmentVariable("OPENAI_API_KEY") is { Length: > 0 })
    {
        var model = Environment.GetEnvironmentVariable("OPENAI_MODEL") ?? "gpt-4o-mini";
        Console.WriteLine($"Model: OpenAI {model}");
        return OpenAiModels.CreateChatClient($"openai:{model}");
    }

    Console.WriteLine("Model: scripted answers (set OPENAI_API_KEY for OpenAI)");
    return new ScriptedChatClient()
        .When("`queries`", ("queries", new[] { "resume an interrupted optimize run", "optimization checkpoint journal" }));
}

static string FindDocs()
{
    for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
    {
        if (Directory.Exists(Path.Combine(dir.FullName, "docs")) && File.Exists(Path.Combine(dir.FullName, "Declarative.sln")))
        {
            return Path.Combine(dir.FullName, "docs");
        }
    }

    throw new DirectoryNotFoundException("Run the sample from inside the Declarative repository: it indexes the docs/ folder.");
}
