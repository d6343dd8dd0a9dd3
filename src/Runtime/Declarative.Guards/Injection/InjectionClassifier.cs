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
    private readonly float[]? hiddenWeights;
    private readonly float[]? hiddenBias;
    private readonly int dimensions;
    private readonly float[]? spanWeights;
    private readonly float[]? taskWeights;
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

        dimensions = model.Weights.Length;
        if (model.HiddenBias is { Length: > 0 } units)
        {
            // A main head with one hidden layer: HiddenWeights is units × dimensions, row by row; Weights one per unit.
            if (model.HiddenWeights is not { Length: > 0 } hidden || hidden.Length % units.Length != 0 || model.Weights.Length != units.Length)
            {
                throw new ArgumentException($"The classifier model's hidden layer has {model.HiddenWeights?.Length ?? 0} weights for {units.Length} units and {model.Weights.Length} output weights; retrain with 'declarative guard train'.", nameof(model));
            }

            dimensions = hidden.Length / units.Length;
            hiddenWeights = hidden;
            hiddenBias = units;
        }

        if (model.SpanWeights is { } span && (span.Length != dimensions || model.SpanWords < 1))
        {
            throw new ArgumentException($"The classifier model's span head has {span.Length} weights and spans of {model.SpanWords} words for embeddings of {dimensions} dimensions; retrain with 'declarative guard train'.", nameof(model));
        }

        if (model.TaskWeights is { Length: > 0 } task && task.Length != dimensions)
        {
            throw new ArgumentException($"The classifier model's task head has {task.Length} weights for embeddings of {dimensions} dimensions; retrain with 'declarative guard train'.", nameof(model));
        }

        if (model.TrustedThreshold is { } trusted && !(trusted >= 0.5 && trusted < 1))
        {
            throw new ArgumentException(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"The classifier model's trusted_threshold is {trusted}; it must be a probability from 0.5 up to (not including) 1, as chosen by 'declarative guard train --trusted-validation'."), nameof(model));
        }

        Model = model;
        TrustedThreshold = model.TrustedThreshold ?? 0.5;
        weights = model.Weights;
        taskWeights = model.TaskWeights is { Length: > 0 } ? model.TaskWeights : null;
        spanWeights = model.SpanWeights is { Length: > 0 } ? model.SpanWeights : null;
        this.embeddings = embeddings;
    }

    /// <summary>The embedding generator in use.</summary>
    internal IEmbeddingGenerator<string, Embedding<float>> Embeddings => embeddings;

    /// <summary>The embedding width the weights take (the hidden layer's input width when there is one).</summary>
    internal int Dimensions => dimensions;

    /// <summary>The weights in use.</summary>
    public InjectionClassifierModel Model { get; }

    /// <summary>
    /// The classifier probability from which a <em>trusted</em> input (a user's own request, not data; see
    /// <see cref="InjectionReport.ForTrustedText"/>) is flagged; data is flagged from 0.5. Default: the weights'
    /// <see cref="InjectionClassifierModel.TrustedThreshold"/> (chosen on users' prompts by <c>declarative guard train
    /// --trusted-validation</c>), else 0.5. A user's request is full of instructions ("act as…", "rewrite your previous
    /// answer…") that in data would be injected, so a classifier calibrated on data flags more of them than a product can
    /// refuse; this threshold trades how many direct jailbreaks are caught for fewer refused requests. The rules' findings
    /// are not affected by it. Setting it (or <see cref="WithTrustedThreshold"/>) leaves <see cref="Model"/>'s
    /// <see cref="InjectionClassifierModel.TrustedThreshold"/>, which is what gets saved, as it was.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is below 0.5 (a user's request scored more strictly than
    /// data) or not below 1.</exception>
    public double TrustedThreshold
    {
        get;
        init => field = value is >= 0.5 and < 1 ? value : throw new ArgumentOutOfRangeException(nameof(TrustedThreshold), value, "TrustedThreshold must be a probability from 0.5 (trusted inputs scored as data) up to, not including, 1.");
    }

    /// <summary>
    /// This classifier with another <see cref="TrustedThreshold"/> (the same weights, embedding generator and window
    /// settings), e.g. <c>InjectionClassifier.LoadDefault(embeddings).WithTrustedThreshold(0.5)</c> to score users'
    /// requests as data.
    /// </summary>
    /// <param name="threshold">The classifier probability from which a trusted input is flagged (0.5 up to 1).</param>
    /// <returns>A new classifier.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="threshold"/> is below 0.5 or not below 1.</exception>
    public InjectionClassifier WithTrustedThreshold(double threshold) =>
        new(Model, embeddings) { DocumentWords = DocumentWords, WindowWords = WindowWords, TrustedThreshold = threshold };

    /// <summary>
    /// The end of the model id of the detector's own fine-tuned encoder (Declarative.Guards.Onnx's
    /// <c>InjectionEncoder</c>), whose embeddings the stock weights of <see cref="LoadDefault"/> were not trained on.
    /// </summary>
    internal const string TunedEncoderSuffix = "+declarative-injection";

    /// <summary>Loads the shipped weights (trained on all-MiniLM-L6-v2 embeddings).</summary>
    /// <param name="embeddings">An all-MiniLM-L6-v2 generator (e.g. <c>OnnxEmbeddings.Create()</c>).</param>
    /// <returns>The classifier.</returns>
    /// <exception cref="ArgumentException"><paramref name="embeddings"/> is the detector's fine-tuned encoder, whose
    /// classifier is Declarative.Guards.Onnx's <c>InjectionEncoder.LoadClassifier</c>.</exception>
    public static InjectionClassifier LoadDefault(IEmbeddingGenerator<string, Embedding<float>> embeddings)
    {
        ArgumentNullException.ThrowIfNull(embeddings);
        if (embeddings.GetService<EmbeddingGeneratorMetadata>()?.DefaultModelId is { } id && id.EndsWith(TunedEncoderSuffix, StringComparison.Ordinal))
        {
            throw new ArgumentException(
                $"The shipped weights score stock all-MiniLM-L6-v2 embeddings, but the generator is the fine-tuned encoder {id}. Use InjectionEncoder.LoadClassifier(encoder) from Declarative.Guards.Onnx with it.",
                nameof(embeddings));
        }

        using var stream = typeof(InjectionClassifier).Assembly.GetManifestResourceStream("Declarative.Guards.injection-classifier.json")
            ?? throw new InvalidOperationException("The injection-classifier.json resource is missing from Declarative.Guards; rebuild the package.");
        return Load(stream, embeddings);
    }

    /// <summary>
    /// Loads classifier weights written by <c>declarative guard train</c> (JSON), e.g. weights trained on a team's own
    /// traffic and shipped with the application as a file or an embedded resource.
    /// </summary>
    /// <param name="weights">The weights; read to its end, not disposed.</param>
    /// <param name="embeddings">A generator of the embeddings the weights were trained on.</param>
    /// <returns>The classifier.</returns>
    /// <exception cref="InvalidDataException">The stream is not classifier weights.</exception>
    public static InjectionClassifier Load(Stream weights, IEmbeddingGenerator<string, Embedding<float>> embeddings)
    {
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentNullException.ThrowIfNull(embeddings);
        InjectionClassifierModel? model;
        try
        {
            model = JsonSerializer.Deserialize(weights, ClassifierJson.Default.InjectionClassifierModel);
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"The stream is not classifier weights (JSON written by `declarative guard train`): {ex.Message}", ex);
        }

        try
        {
            return new InjectionClassifier(model ?? throw new InvalidDataException("The classifier weights are empty (JSON null)."), embeddings);
        }
        catch (ArgumentException ex)
        {
            throw new InvalidDataException($"The classifier weights are inconsistent: {ex.Message}", ex);
        }
    }

    /// <summary>The probability that each text is a prompt injection.</summary>
    /// <param name="texts">The texts.</param>
    /// <param name="cancellationToken">Stops the embedding.</param>
    /// <returns>One probability per text, in order.</returns>
    public async Task<double[]> ScoreAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken = default)
    {
        var scores = await ScoreHeadsAsync(texts, scoreTasks: null, cancellationToken).ConfigureAwait(false);
        return scores.Main.Zip(scores.Spans, Math.Max).ToArray();
    }

    /// <summary>Whether the weights carry a task head (see <see cref="InjectionClassifierModel.TaskWeights"/>).</summary>
    public bool HasTaskHead => taskWeights is not null;

    /// <summary>
    /// Each text's largest main-head probability (over its windows), largest span-head probability (over its spans; 0
    /// when it has none) and, for the texts <paramref name="scoreTasks"/> names when the weights have a task head, its most
    /// probable request sentence (<see cref="TaskSentences"/>), from one batched embedding call.
    /// </summary>
    /// <param name="texts">The texts.</param>
    /// <param name="scoreTasks">Which texts (by index) get the task head: data, not a user's own request; <see langword="null"/> for none.</param>
    /// <param name="cancellationToken">Stops the embedding.</param>
    internal async Task<HeadScores> ScoreHeadsAsync(IReadOnlyList<string> texts, Func<int, bool>? scoreTasks, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(texts);
        var taskScores = new (double P, int Start, int Length)[texts.Count];
        if (texts.Count == 0)
        {
            return new HeadScores([], [], taskScores);
        }

        // A long text is scored window by window (the largest probability wins): the embedding model reads its first
        // 256 word pieces only, so a payload at the end of a long document would otherwise never be seen. When the
        // weights have a span head, a text longer than DocumentWords is also scored sentence by sentence (spans of at
        // most the model's SpanWords words), so that one instruction inside a document is not drowned by the document.
        var inputs = new List<string>(texts.Count);
        var owners = new List<int>(texts.Count);
        var kinds = new List<(Head Head, int Start, int Length)>(texts.Count);
        for (var i = 0; i < texts.Count; i++)
        {
            var firstWindow = inputs.Count;
            foreach (var window in Windows(texts[i], WindowWords))
            {
                inputs.Add(window);
                owners.Add(i);
                kinds.Add((Head.Main, 0, 0));
            }

            if (spanWeights is not null && WordCount(texts[i]) > DocumentWords)
            {
                foreach (var span in TextSpans.Split(texts[i], Model.SpanWords))
                {
                    inputs.Add(span);
                    owners.Add(i);
                    kinds.Add((Head.Span, 0, 0));
                }
            }

            if (taskWeights is not null && scoreTasks?.Invoke(i) == true)
            {
                foreach (var (start, length) in TaskSentences.Find(texts[i]).Take(TaskSentences.MaxPerText))
                {
                    if (inputs.Count == firstWindow + 1 && length == texts[i].AsSpan().Trim().Length)
                    {
                        // A one-sentence text is its own only window: its embedding serves both heads.
                        kinds[firstWindow] = (Head.MainAndTask, start, length);
                        continue;
                    }

                    inputs.Add(texts[i].Substring(start, length));
                    owners.Add(i);
                    kinds.Add((Head.Task, start, length));
                }
            }
        }

        var generated = await embeddings.GenerateAsync(inputs, cancellationToken: cancellationToken).ConfigureAwait(false);
        var main = new double[texts.Count];
        var spans = new double[texts.Count];
        for (var w = 0; w < inputs.Count; w++)
        {
            var vector = generated[w].Vector.Span;
            var owner = owners[w];
            var head = kinds[w].Head;
            if (head is Head.Main or Head.MainAndTask)
            {
                main[owner] = Math.Max(main[owner], Probability(vector));
            }

            if (head is Head.Span)
            {
                spans[owner] = Math.Max(spans[owner], Probability(vector, spanWeights!, Model.SpanBias));
            }

            if (head is Head.Task or Head.MainAndTask)
            {
                var p = Probability(vector, taskWeights!, Model.TaskBias);
                if (p > taskScores[owner].P)
                {
                    taskScores[owner] = (p, kinds[w].Start, kinds[w].Length);
                }
            }
        }

        return new HeadScores(main, spans, taskScores);
    }

    private enum Head
    {
        Main,
        Span,
        Task,
        MainAndTask,
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
    internal double Probability(ReadOnlySpan<float> vector)
    {
        if (hiddenWeights is null)
        {
            return Probability(vector, weights, Model.Bias);
        }

        CheckDimensions(vector.Length, dimensions);
        var z = Model.Bias;
        for (var u = 0; u < hiddenBias!.Length; u++)
        {
            var row = hiddenWeights.AsSpan(u * dimensions, dimensions);
            double a = hiddenBias[u];
            for (var i = 0; i < dimensions; i++)
            {
                a += row[i] * vector[i];
            }

            z += weights[u] * Math.Max(a, 0);
        }

        return 1 / (1 + Math.Exp(-z));
    }

    private void CheckDimensions(int actual, int expected)
    {
        if (actual != expected)
        {
            throw new InvalidOperationException(
                $"The embedding has {actual} dimensions but the classifier was trained on {expected} ({Model.EmbeddingModel}); use that embedding model or retrain with 'declarative guard train'.");
        }
    }

    /// <summary>The probability for one embedding under the given head.</summary>
    private double Probability(ReadOnlySpan<float> vector, float[] head, double bias)
    {
        CheckDimensions(vector.Length, head.Length);
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

    /// <summary>One weight per embedding dimension; with a hidden layer, one per hidden unit.</summary>
    [JsonPropertyName("weights")]
    public float[] Weights { get; set; } = [];

    /// <summary>
    /// The main head's hidden layer, or <see langword="null"/> for a logistic regression: units × dimensions weights, row
    /// by row, each unit a ReLU of its row times the embedding plus its <see cref="HiddenBias"/>.
    /// </summary>
    [JsonPropertyName("hidden_weights")]
    public float[]? HiddenWeights { get; set; }

    /// <summary>The hidden units' intercepts (their number is the layer's width), or <see langword="null"/>.</summary>
    [JsonPropertyName("hidden_bias")]
    public float[]? HiddenBias { get; set; }

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

    /// <summary>
    /// The task head's weights, or <see langword="null"/>: a logistic regression that scores the request-like sentences of
    /// a text (<c>TaskSentences</c>: "Write a script that…", "What is the capital of…?") for being a request to an
    /// assistant rather than a document's own prose. Inside data such a sentence is an injected task (finding
    /// <c>injection.embedded_task</c>, a data-only kind); a user's own prompt is one, so trusted inputs drop it.
    /// </summary>
    [JsonPropertyName("task_weights")]
    public float[]? TaskWeights { get; set; }

    /// <summary>The intercept of the task head.</summary>
    [JsonPropertyName("task_bias")]
    public double TaskBias { get; set; }

    /// <summary>
    /// The main and span heads' probability (0.5 up to 1) from which a trusted input (a user's own request) is flagged,
    /// or <see langword="null"/> for 0.5 (as data): see <see cref="InjectionClassifier.TrustedThreshold"/>. Written by
    /// <c>declarative guard train --trusted-validation</c>.
    /// </summary>
    [JsonPropertyName("trusted_threshold")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? TrustedThreshold { get; set; }

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

/// <summary>The per-text scores of each head of an <see cref="InjectionClassifier"/>.</summary>
/// <param name="Main">The main head's largest probability over the text's windows.</param>
/// <param name="Spans">The span head's largest probability over the text's spans (0 without a span head or spans).</param>
/// <param name="Tasks">The task head's most probable request sentence: its probability and place (0 when none was scored).</param>
internal sealed record HeadScores(double[] Main, double[] Spans, (double P, int Start, int Length)[] Tasks);
