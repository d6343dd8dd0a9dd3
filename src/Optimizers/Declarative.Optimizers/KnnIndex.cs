using System.Globalization;
using Microsoft.Extensions.AI;

namespace Declarative.Optimizers;

/// <summary>
/// The k-nearest-neighbour index behind <see cref="KnnFewShot"/> (DSPy's <c>KNN</c>): the training examples' inputs,
/// embedded once on first use, searched by cosine similarity.
/// </summary>
internal sealed class KnnIndex
{
    private readonly int k;
    private readonly IReadOnlyList<Example> trainset;
    private readonly IEmbeddingGenerator<string, Embedding<float>> embedder;
    private readonly SemaphoreSlim gate = new(1, 1);
    private float[][]? vectors;

    public KnnIndex(int k, IReadOnlyList<Example> trainset, IEmbeddingGenerator<string, Embedding<float>> embedder)
    {
        this.k = k;
        this.trainset = trainset;
        this.embedder = embedder;
    }

    /// <summary>How an example's inputs are embedded: "key: value" pairs in the example's order, joined by " | " (as DSPy).</summary>
    public static string Text(IEnumerable<KeyValuePair<string, object?>> inputs) =>
        string.Join(" | ", inputs.Select(p => p.Key + ": " + Convert.ToString(p.Value, CultureInfo.InvariantCulture)));

    /// <summary>The k training examples most similar to <paramref name="inputs"/>, most similar first; ties in training order.</summary>
    public async Task<IReadOnlyList<Example>> NearestAsync(IEnumerable<KeyValuePair<string, object?>> inputs, CancellationToken cancellationToken)
    {
        var train = await TrainVectorsAsync(cancellationToken).ConfigureAwait(false);
        var query = (await EmbedAsync([Text(inputs)], cancellationToken).ConfigureAwait(false))[0];
        return train
            .Select((vector, index) => (Score: Cosine(vector, query), Index: index))
            .OrderByDescending(s => s.Score) // stable, so equal scores stay in training order
            .Take(k)
            .Select(s => trainset[s.Index])
            .ToList();
    }

    private async Task<float[][]> TrainVectorsAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref vectors) is { } cached)
        {
            return cached;
        }

        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (vectors is null)
            {
                var texts = trainset.Select(e => Text(e.Where(p => e.InputKeys.Contains(p.Key)))).ToList();
                Volatile.Write(ref vectors, texts.Count == 0 ? [] : await EmbedAsync(texts, cancellationToken).ConfigureAwait(false));
            }

            return vectors!;
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task<float[][]> EmbedAsync(IList<string> texts, CancellationToken cancellationToken)
    {
        var embeddings = await embedder.GenerateAsync(texts, options: null, cancellationToken).ConfigureAwait(false);
        if (embeddings.Count != texts.Count)
        {
            throw new OptimizationException(
                $"The embedding generator returned {embeddings.Count} embeddings for {texts.Count} texts; KnnFewShot needs one per text.");
        }

        var result = embeddings.Select(e => e.Vector.ToArray()).ToArray();
        var dimensions = vectors is { Length: > 0 } known ? known[0].Length : result[0].Length;
        if (result.FirstOrDefault(v => v.Length != dimensions) is { } odd)
        {
            throw new OptimizationException(
                $"The embedding generator returned vectors of {dimensions} and {odd.Length} dimensions; KnnFewShot needs one size for all texts.");
        }

        return result;
    }

    private static double Cosine(float[] a, float[] b)
    {
        double dot = 0, na = 0, nb = 0;
        for (var i = 0; i < a.Length; i++)
        {
            dot += (double)a[i] * b[i];
            na += (double)a[i] * a[i];
            nb += (double)b[i] * b[i];
        }

        return na == 0 || nb == 0 ? 0 : dot / (Math.Sqrt(na) * Math.Sqrt(nb));
    }
}
