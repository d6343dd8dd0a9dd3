using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.AI;

namespace Declarative.Guards;

/// <summary>
/// A logistic-regression prompt-injection classifier over sentence embeddings. The shipped weights
/// (<see cref="LoadDefault"/>) were trained by <c>declarative guard train</c> on all-MiniLM-L6-v2 embeddings of the
/// corpus described in the README; use them only with that embedding model (the Declarative.Runtime.Onnx default).
/// Thread-safe.
/// </summary>
public sealed class InjectionClassifier
{
    private readonly float[] weights;
    private readonly float[]? spanWeights;
    private readonly IEmbeddingGenerator<string, Embedding<float>> embeddings;

    /// <summary>Creates a classifier from trained weights.</summary>
    /// <param name="model">The weights.</param>
    /// <param name="embeddings">The embedding generator the weights were trained with.</param>
    public InjectionClassifier(InjectionClassifierModel model, IEmbeddingGenerator<string, Embedding<float>> embeddings)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(embeddings);
        if (model.Weights is not { Length: > 0 })
        {
            throw new ArgumentException("The classifier model has no weights; train one with 'declarative guard train'.", nameof(model));
        }

        if (model.SpanWeights is { } span && (span.Length != model.Weights.Length || model.SpanWords < 1))
        {
            throw new ArgumentException($"The classifier model's span head has {span.Length} weights and spans of {model.SpanWords} words for a main head of {model.Weights.Length}; retrain with 'declarative guard train'.", nameof(model));
        }

        Model = model;
        weights = model.Weights;
        spanWeights = model.SpanWeights is { Length: > 0 } ? model.SpanWeights : null;
        this.embeddings = embeddings;
    }

    /// <summary>The embedding generator in use.</summary>
    internal IEmbeddingGenerator<string, Embedding<float>> Embeddings => embeddings;

    /// <summary>The weights in use.</summary>
    public InjectionClassifierModel Model { get; }

    /// <summary>Loads the shipped weights (trained on all-MiniLM-L6-v2 embeddings).</summary>
    /// <param name="embeddings">An all-MiniLM-L6-v2 generator (e.g. <c>OnnxEmbeddings.Create()</c>).</param>
    /// <returns>The classifier.</returns>
    public static InjectionClassifier LoadDefault(IEmbeddingGenerator<string, Embedding<float>> embeddings)
    {
        using var stream = typeof(InjectionClassifier).Assembly.GetManifestResourceStream("Declarative.Guards.injection-classifier.json")
            ?? throw new InvalidOperationException("The injection-classifier.json resource is missing from Declarative.Guards; rebuild the package.");
        var model = JsonSerializer.Deserialize(stream, ClassifierJson.Default.InjectionClassifierModel)
            ?? throw new InvalidOperationException("The injection-classifier.json resource is empty.");
        return new InjectionClassifier(model, embeddings);
    }

    /// <summary>The probability that each text is a prompt injection.</summary>
    /// <param name="texts">The texts.</param>
    /// <param name="cancellationToken">Stops the embedding.</param>
    /// <returns>One probability per text, in order.</returns>
    public async Task<double[]> ScoreAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken = default)
    {
        var (main, spans) = await ScoreHeadsAsync(texts, cancellationToken).ConfigureAwait(false);
        return main.Zip(spans, Math.Max).ToArray();
    }

    /// <summary>
    /// Each text's largest main-head probability (over its windows) and largest span-head probability (over its spans;
    /// 0 when it has none), from one batched embedding call.
    /// </summary>
    internal async Task<(double[] Main, double[] Spans)> ScoreHeadsAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(texts);
        if (texts.Count == 0)
        {
            return ([], []);
        }

        // A long text is scored window by window (the largest probability wins): the embedding model reads its first
        // 256 word pieces only, so a payload at the end of a long document would otherwise never be seen. When the
        // weights have a span head, a text longer than DocumentWords is also scored sentence by sentence (spans of at
        // most the model's SpanWords words), so that one instruction inside a document is not drowned by the document.
        var inputs = new List<string>(texts.Count);
        var owners = new List<int>(texts.Count);
        var spanFlags = new List<bool>(texts.Count);
        for (var i = 0; i < texts.Count; i++)
        {
            foreach (var window in Windows(texts[i], WindowWords))
            {
                inputs.Add(window);
                owners.Add(i);
                spanFlags.Add(false);
            }

            if (spanWeights is not null && WordCount(texts[i]) > DocumentWords)
            {
                foreach (var span in TextSpans.Split(texts[i], Model.SpanWords))
                {
                    inputs.Add(span);
                    owners.Add(i);
                    spanFlags.Add(true);
                }
            }
        }

        var generated = await embeddings.GenerateAsync(inputs, cancellationToken: cancellationToken).ConfigureAwait(false);
        var main = new double[texts.Count];
        var spans = new double[texts.Count];
        for (var w = 0; w < inputs.Count; w++)
        {
            var vector = generated[w].Vector.Span;
            var scores = spanFlags[w] ? spans : main;
            var p = spanFlags[w] ? Probability(vector, spanWeights!, Model.SpanBias) : Probability(vector);
            scores[owners[w]] = Math.Max(scores[owners[w]], p);
        }

        return (main, spans);
    }

    /// <summary>
    /// The words from which a text counts as a document (default 40: more than any chat prompt of the public data):
    /// with weights that have a span head, a text of more words is also cut into sentences, merged up to the model's
    /// <see cref="InjectionClassifierModel.SpanWords"/> words, and each span is scored by the span head.
    /// </summary>
    public int DocumentWords
    {
        get;
        init => field = value >= 4 ? value : throw new ArgumentOutOfRangeException(nameof(DocumentWords), value, "DocumentWords must be at least 4.");
    } = DocumentWordsDefault;

    /// <summary>The default <see cref="DocumentWords"/>.</summary>
    internal const int DocumentWordsDefault = 40;

    private static int WordCount(string text) => text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length;

    /// <summary>
    /// The most words one embedding reads (default 128, which stays within all-MiniLM-L6-v2's 256 word pieces for
    /// ordinary prose). A longer text is cut into windows of this many words that overlap by half, so every word is
    /// read whole at least once.
    /// </summary>
    public int WindowWords
    {
        get;
        init => field = value >= 8 ? value : throw new ArgumentOutOfRangeException(nameof(WindowWords), value, "WindowWords must be at least 8.");
    } = 128;

    /// <summary>Cuts a text into windows of at most <paramref name="size"/> words, overlapping by half.</summary>
    internal static IEnumerable<string> Windows(string text, int size)
    {
        var words = text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        if (words.Length <= size)
        {
            yield return text;
            yield break;
        }

        var stride = size / 2;
        for (var start = 0; ; start += stride)
        {
            yield return string.Join(' ', words, start, Math.Min(size, words.Length - start));
            if (start + size >= words.Length)
            {
                yield break;
            }
        }
    }

    /// <summary>The probability for one embedding (main head).</summary>
    internal double Probability(ReadOnlySpan<float> vector) => Probability(vector, weights, Model.Bias);

    /// <summary>The probability for one embedding under the given head.</summary>
    private double Probability(ReadOnlySpan<float> vector, float[] head, double bias)
    {
        if (vector.Length != head.Length)
        {
            throw new InvalidOperationException(
                $"The embedding has {vector.Length} dimensions but the classifier was trained on {head.Length} ({Model.EmbeddingModel}); use that embedding model or retrain with 'declarative guard train'.");
        }

        var z = bias;
        for (var i = 0; i < vector.Length; i++)
        {
            z += head[i] * vector[i];
        }

        return 1 / (1 + Math.Exp(-z));
    }
}

/// <summary>The weights of an <see cref="InjectionClassifier"/>, as stored in JSON.</summary>
public sealed class InjectionClassifierModel
{
    /// <summary>The embedding model the weights were trained on.</summary>
    [JsonPropertyName("embedding_model")]
    public string EmbeddingModel { get; set; } = string.Empty;

    /// <summary>The intercept.</summary>
    [JsonPropertyName("bias")]
    public double Bias { get; set; }

    /// <summary>One weight per embedding dimension.</summary>
    [JsonPropertyName("weights")]
    public float[] Weights { get; set; } = [];

    /// <summary>
    /// The intercept of the span head: the logistic regression that scores the sentence-level spans of a long text.
    /// </summary>
    [JsonPropertyName("span_bias")]
    public double SpanBias { get; set; }

    /// <summary>
    /// The span head's weights (one per embedding dimension), or <see langword="null"/>: weights files written before
    /// the span head (and any without one) score windows only, as they did.
    /// </summary>
    [JsonPropertyName("span_weights")]
    public float[]? SpanWeights { get; set; }

    /// <summary>The most words in one span the span head scores (default 40; the length it was trained on).</summary>
    [JsonPropertyName("span_words")]
    public int SpanWords { get; set; } = 40;

    /// <summary>How the weights were made (corpus, split, seed, held-out figures).</summary>
    [JsonPropertyName("training")]
    public Dictionary<string, string> Training { get; set; } = [];
}

/// <summary>Source-generated JSON for the classifier weights.</summary>
[JsonSerializable(typeof(InjectionClassifierModel))]
[JsonSourceGenerationOptions(WriteIndented = false)]
internal sealed partial class ClassifierJson : JsonSerializerContext;
