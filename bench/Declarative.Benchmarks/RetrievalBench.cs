using System.Diagnostics;
using System.Globalization;
using Declarative.Retrieval;
using Declarative.Retrieval.Tests;
using Declarative.Runtime.Onnx;

namespace Declarative.Benchmarks;

/// <summary>
/// Retrieval figures: exact top-10 over random normalized vectors, HNSW build and search (latency and recall@10 against
/// exact), BM25 over generated chunks in a SQLite file, ingestion throughput (chunk + MiniLM embed + index) and the
/// recall@5 of BM25, MiniLM vectors and hybrid search on the labelled README corpus. Each part runs once; latencies are
/// per query, single-threaded, after a warm-up.
/// </summary>
internal static class RetrievalBench
{
    public static int Run(string[] args)
    {
        int exact = 100_000, hnsw = 100_000, bm25 = 100_000, ingest = 1_000, queries = 200, dims = 384, m = 16, efConstruction = 100;
        int[] efSearch = [64, 128, 256];
        var parts = new HashSet<string>(StringComparer.Ordinal);
        var clustered = false;
        var data = "tests/Declarative.Retrieval.Tests/Data";
        for (var i = 1; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--exact": exact = Int(args[++i]); parts.Add("exact"); break;
                case "--hnsw": hnsw = Int(args[++i]); parts.Add("hnsw"); break;
                case "--bm25": bm25 = Int(args[++i]); parts.Add("bm25"); break;
                case "--ingest": ingest = Int(args[++i]); parts.Add("ingest"); break;
                case "--quality": parts.Add("quality"); break;
                case "--clustered": clustered = true; break;
                case "--data": data = args[++i]; break;
                case "--queries": queries = Int(args[++i]); break;
                case "--dims": dims = Int(args[++i]); break;
                case "--m": m = Int(args[++i]); break;
                case "--ef-construction": efConstruction = Int(args[++i]); break;
                case "--ef-search": efSearch = args[++i].Split(',').Select(Int).ToArray(); break;
                default: Console.Error.WriteLine($"unknown option {args[i]}"); return 2;
            }
        }

        if (parts.Count == 0)
        {
            parts.UnionWith(["exact", "hnsw", "bm25", "ingest", "quality"]);
        }

        Console.WriteLine($"{Environment.ProcessorCount} cores, {queries} queries, {dims} dimensions");
        if (parts.Contains("exact"))
        {
            Exact(exact, dims, queries);
        }

        if (parts.Contains("hnsw"))
        {
            Hnsw(hnsw, dims, queries, m, efConstruction, efSearch, clustered);
        }

        if (parts.Contains("bm25"))
        {
            Bm25(bm25, queries);
        }

        if (parts.Contains("ingest"))
        {
            Ingest(ingest).GetAwaiter().GetResult();
        }

        if (parts.Contains("quality"))
        {
            Quality(data).GetAwaiter().GetResult();
        }

        return 0;
    }

    private static int Int(string s) => int.Parse(s, CultureInfo.InvariantCulture);

    /// <summary>The process's CPU time: on a shared, overloaded machine it is steadier than wall time.</summary>
    private static TimeSpan Cpu() => Process.GetCurrentProcess().TotalProcessorTime;

    private static string Load() => File.Exists("/proc/loadavg") ? "load average " + File.ReadAllText("/proc/loadavg").Split(' ')[0] : "load unknown";

    private static float[] RandomUnit(Random random, int dims)
    {
        var v = new float[dims];
        for (var i = 0; i < dims; i++)
        {
            v[i] = (float)((random.NextDouble() * 2) - 1);
        }

        System.Numerics.Tensors.TensorPrimitives.Divide(v, System.Numerics.Tensors.TensorPrimitives.Norm(v), v);
        return v;
    }

    private static string Stats(List<double> ms)
    {
        ms.Sort();
        return string.Create(CultureInfo.InvariantCulture, $"median {Percentiles.Of(ms, 0.5):F3} ms, p99 {Percentiles.Of(ms, 0.99):F3} ms");
    }

    private static void Exact(int count, int dims, int queries)
    {
        var random = new Random(1);
        var index = new ExactVectorIndex(dims, VectorMetric.DotProduct);
        for (var i = 0; i < count; i++)
        {
            index.Add("v" + i.ToString(CultureInfo.InvariantCulture), RandomUnit(random, dims));
        }

        var qs = Enumerable.Range(0, queries).Select(_ => RandomUnit(random, dims)).ToArray();
        for (var i = 0; i < 10; i++)
        {
            index.Search(qs[i], 10);
        }

        var times = new List<double>();
        var cpu = Cpu();
        foreach (var q in qs)
        {
            var clock = Stopwatch.StartNew();
            index.Search(q, 10);
            times.Add(clock.Elapsed.TotalMilliseconds);
        }

        var cpuMs = (Cpu() - cpu).TotalMilliseconds / qs.Length;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"exact top-10 over {count:N0} x {dims}: wall {Stats(times)}; CPU {cpuMs:F2} ms/query (all threads); {Load()}"));
    }

    private static void Hnsw(int count, int dims, int queries, int m, int efConstruction, int[] efSearch, bool clustered)
    {
        // Uniform random unit vectors are the hardest case (no structure: every point is nearly as far as every other);
        // --clustered draws them around 1,000 random centres instead, closer to how real embeddings lie.
        var random = new Random(2);
        var centres = Enumerable.Range(0, 1000).Select(_ => RandomUnit(random, dims)).ToArray();
        float[] Draw()
        {
            if (!clustered)
            {
                return RandomUnit(random, dims);
            }

            var v = RandomUnit(random, dims);
            System.Numerics.Tensors.TensorPrimitives.MultiplyAdd(v, 0.6f, centres[random.Next(centres.Length)], v);
            System.Numerics.Tensors.TensorPrimitives.Divide(v, System.Numerics.Tensors.TensorPrimitives.Norm(v), v);
            return v;
        }

        var vectors = Enumerable.Range(0, count).Select(_ => Draw()).ToArray();
        Console.WriteLine(clustered ? "hnsw data: clustered around 1,000 centres" : "hnsw data: uniform random unit vectors");
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var index = new HnswIndex(dims, new HnswOptions { M = m, EfConstruction = efConstruction, Metric = VectorMetric.DotProduct });
        var clock = Stopwatch.StartNew();
        var buildCpu = Cpu();
        for (var i = 0; i < count; i++)
        {
            index.Add("v" + i.ToString(CultureInfo.InvariantCulture), vectors[i]);
            if ((i + 1) % 50_000 == 0)
            {
                Console.WriteLine($"  hnsw: {i + 1:N0} added in {clock.Elapsed.TotalSeconds:F0} s");
            }
        }

        var build = clock.Elapsed;
        var buildCpuSeconds = (Cpu() - buildCpu).TotalSeconds;
        var after = GC.GetTotalMemory(forceFullCollection: true);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"hnsw build {count:N0} x {dims} (M {m}, efConstruction {efConstruction}): wall {build.TotalSeconds:F1} s ({count / build.TotalSeconds:F0} vectors/s), CPU {buildCpuSeconds:F1} s; {Load()}; index estimate {index.EstimateMemoryBytes() / 1048576.0:F0} MiB, managed heap growth {(after - before) / 1048576.0:F0} MiB (vectors alone {(long)count * dims * 4 / 1048576.0:F0} MiB)"));

        var exact = new ExactVectorIndex(dims, VectorMetric.DotProduct);
        for (var i = 0; i < count; i++)
        {
            exact.Add("v" + i.ToString(CultureInfo.InvariantCulture), vectors[i]);
        }

        var qs = Enumerable.Range(0, queries).Select(_ => Draw()).ToArray();
        var truth = qs.Select(q => exact.Search(q, 10).Select(h => h.Id).ToHashSet(StringComparer.Ordinal)).ToArray();
        foreach (var ef in efSearch)
        {
            for (var i = 0; i < 10; i++)
            {
                index.Search(qs[i], 10, ef);
            }

            var times = new List<double>();
            var found = 0;
            var cpu = Cpu();
            for (var i = 0; i < qs.Length; i++)
            {
                var t = Stopwatch.StartNew();
                var hits = index.Search(qs[i], 10, ef);
                times.Add(t.Elapsed.TotalMilliseconds);
                found += hits.Count(h => truth[i].Contains(h.Id));
            }

            var cpuMs = (Cpu() - cpu).TotalMilliseconds / qs.Length;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"hnsw efSearch {ef}: wall {Stats(times)}; CPU {cpuMs:F2} ms/query; recall@10 {found / (10.0 * qs.Length):F3}"));
        }
    }

    private static void Bm25(int count, int queries)
    {
        // Zipf-like words from a 20,000-word synthetic vocabulary, 40-120 words per chunk.
        var random = new Random(3);
        var vocabulary = Enumerable.Range(0, 20_000).Select(i => Word(i)).ToArray();
        string Pick() => vocabulary[(int)Math.Min(vocabulary.Length - 1, Math.Floor(Math.Pow(random.NextDouble(), 3) * vocabulary.Length))];
        var path = Path.Combine(Path.GetTempPath(), $"bm25-bench-{Guid.NewGuid():N}.db");
        try
        {
            using var index = new Bm25Index(path);
            var clock = Stopwatch.StartNew();
            index.Add(Enumerable.Range(0, count).Select(i => ("c" + i.ToString(CultureInfo.InvariantCulture), string.Join(' ', Enumerable.Range(0, random.Next(40, 121)).Select(_ => Pick())), (IReadOnlyDictionary<string, string>?)null)));
            Console.WriteLine($"bm25 indexed {count:N0} chunks in {clock.Elapsed.TotalSeconds:F1} s");
            // Queries: three content words, drawn uniformly from the vocabulary without its 100 most frequent words (the
            // stop words a search box gets rarely).
            string Content() => vocabulary[random.Next(100, vocabulary.Length)];
            var qs = Enumerable.Range(0, queries).Select(_ => $"{Content()} {Content()} {Content()}").ToArray();
            foreach (var q in qs.Take(10))
            {
                index.Search(q, 10);
            }

            var times = new List<double>();
            var cpu = Cpu();
            foreach (var q in qs)
            {
                var t = Stopwatch.StartNew();
                index.Search(q, 10);
                times.Add(t.Elapsed.TotalMilliseconds);
            }

            var cpuMs = (Cpu() - cpu).TotalMilliseconds / qs.Length;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"bm25 top-10 over {count:N0} chunks (3-word queries): wall {Stats(times)}; CPU {cpuMs:F2} ms/query; {Load()}"));
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            foreach (var file in new[] { path, path + "-wal", path + "-shm" })
            {
                File.Delete(file);
            }
        }
    }

    private static string Word(int i)
    {
        const string letters = "abcdefghijklmnopqrstuvwxyz";
        var chars = new List<char>();
        for (var n = i + 26; n > 0; n /= 26)
        {
            chars.Add(letters[n % 26]);
        }

        return new string(chars.ToArray());
    }

    private static async Task Ingest(int chunkCount)
    {
        // Text of ~400-character paragraphs, chunked at 500 characters, embedded with MiniLM, added to an exact index.
        var random = new Random(4);
        var words = "the model reads a long report about energy prices in northern cities while engineers repair old bridges and students learn history from their teachers every morning".Split(' ');
        var paragraphs = Enumerable.Range(0, chunkCount).Select(_ => string.Join(' ', Enumerable.Range(0, 70).Select(_ => words[random.Next(words.Length)])) + ".");
        var document = Document.FromText("bench", string.Join("\n\n", paragraphs));
        using var embedder = OnnxEmbeddings.Create();
        await embedder.GenerateAsync(["warm up"]);
        var clock = Stopwatch.StartNew();
        var cpu = Cpu();
        var chunks = new TextChunker(new ChunkerOptions { ChunkSize = 500 }).Split(document);
        var retriever = new VectorRetriever(embedder, new ExactVectorIndex(384));
        await retriever.AddAsync(chunks);
        var seconds = clock.Elapsed.TotalSeconds;
        var cpuSeconds = (Cpu() - cpu).TotalSeconds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"ingest {chunks.Count:N0} chunks (~{chunks.Average(c => c.Text.Length):F0} chars): wall {seconds:F1} s, {chunks.Count / seconds:F1} chunks/s; CPU {cpuSeconds:F1} s ({chunks.Count / cpuSeconds:F1} chunks per CPU-second); {Load()}"));
    }

    private static async Task Quality(string data)
    {
        var (chunks, queries) = await QualityCorpus.LoadAsync(data);
        using var bm25Index = new Bm25Index(":memory:");
        bm25Index.Add(chunks);
        var keyword = new KeywordRetriever(bm25Index);
        using var embedder = OnnxEmbeddings.Create();
        var vectors = new VectorRetriever(embedder, new ExactVectorIndex(384));
        await vectors.AddAsync(chunks);
        var rrf = new HybridRetriever([(keyword, 1.0), (vectors, 1.0)]);
        var weighted = new HybridRetriever([(keyword, 0.5), (vectors, 0.5)], FusionMethod.Weighted);
        Console.WriteLine($"quality: {chunks.Count} chunks, {queries.Count} labelled queries (a query counts as found when a chunk of its section is in the top 5)");
        foreach (var (name, retriever) in new (string, IRetriever)[] { ("bm25", keyword), ("minilm", vectors), ("hybrid-rrf", rrf), ("hybrid-weighted", weighted) })
        {
            var at5 = await QualityCorpus.RecallAtKAsync(retriever, queries, 5);
            var at1 = await QualityCorpus.RecallAtKAsync(retriever, queries, 1);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {name}: recall@5 {at5:F3}, recall@1 {at1:F3}"));
        }
    }
}
