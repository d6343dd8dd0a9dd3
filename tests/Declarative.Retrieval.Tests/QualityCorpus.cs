using System.Text.Json;

namespace Declarative.Retrieval.Tests;

/// <summary>
/// The labelled retrieval corpus: snapshots of the repository's READMEs (Data/readme-corpus), cut into Markdown
/// sections and 1000-character chunks, and queries labelled with the section that answers them
/// (Data/quality-queries.jsonl). Shared by the tests and the <c>retrieval --quality</c> benchmark.
/// </summary>
internal static class QualityCorpus
{
    public static async Task<(IReadOnlyList<Chunk> Chunks, IReadOnlyList<LabelledQuery> Queries)> LoadAsync(string dataDirectory)
    {
        var documents = new List<Document>();
        foreach (var file in Directory.GetFiles(Path.Combine(dataDirectory, "readme-corpus"), "*.md").Order(StringComparer.Ordinal))
        {
            documents.AddRange(DocumentLoader.ParseMarkdown(await File.ReadAllTextAsync(file), Path.GetFileName(file)));
        }

        var chunks = new TextChunker(new ChunkerOptions { ChunkSize = 1000 }).Split(documents).ToList();
        var queries = new List<LabelledQuery>();
        foreach (var line in await File.ReadAllLinesAsync(Path.Combine(dataDirectory, "quality-queries.jsonl")))
        {
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            var json = JsonDocument.Parse(line).RootElement;
            var source = json.GetProperty("source").GetString()!;
            var heading = json.GetProperty("heading").GetString()!;
            var relevant = chunks
                .Where(c => c.Metadata.Source == source && c.Metadata.HeadingPath.Count > 0 && c.Metadata.HeadingPath[^1].StartsWith(heading, StringComparison.Ordinal))
                .Select(c => c.Id)
                .ToArray();
            queries.Add(new LabelledQuery(json.GetProperty("query").GetString()!, source, heading, relevant));
        }

        return (chunks, queries);
    }

    public static async Task<double> RecallAtKAsync(IRetriever retriever, IReadOnlyList<LabelledQuery> queries, int k)
    {
        var sum = 0.0;
        foreach (var query in queries)
        {
            var found = await retriever.RetrieveAsync(query.Query, k);
            sum += RankingMetrics.RecallAtK(found.Select(p => p.Id), query.Relevant, k) > 0 ? 1 : 0;
        }

        return sum / queries.Count;
    }
}

/// <summary>A query and the ids of the chunks of the section that answers it.</summary>
internal sealed record LabelledQuery(string Query, string Source, string Heading, IReadOnlyList<string> Relevant);
