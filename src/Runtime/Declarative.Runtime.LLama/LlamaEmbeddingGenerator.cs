using LLama;
using LLama.Native;
using Microsoft.Extensions.AI;

namespace Declarative.Runtime.LLama;

/// <summary>
/// An <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/> over a local model: each input is evaluated in one batch of
/// a llama.cpp context made for embeddings, and the hidden states of its tokens are pooled (mean by default) and
/// optionally L2-normalized. Inputs are evaluated one after another; calls take turns on the context. Usage reports the
/// input tokens.
/// </summary>
internal sealed class LlamaEmbeddingGenerator : IEmbeddingGenerator<string, Embedding<float>>
{
    private readonly LlamaModel model;
    private readonly LlamaEmbeddingOptions options;
    private readonly LLamaContext context;
    private readonly SemaphoreSlim gate = new(1, 1);
    private readonly EmbeddingGeneratorMetadata metadata;
    private bool disposed;

    public LlamaEmbeddingGenerator(LlamaModel model, LlamaEmbeddingOptions options)
    {
        this.model = model;
        this.options = options;
        var parameters = model.ContextParams();
        parameters.ContextSize = (uint)options.MaxInputTokens;
        parameters.BatchSize = (uint)options.MaxInputTokens;
        parameters.UBatchSize = (uint)options.MaxInputTokens;
        parameters.Embeddings = true;
        parameters.PoolingType = options.Pooling switch
        {
            LlamaEmbeddingPooling.Last => LLamaPoolingType.Last,
            LlamaEmbeddingPooling.Cls => LLamaPoolingType.CLS,
            _ => LLamaPoolingType.Mean,
        };
        context = model.Weights.CreateContext(parameters);
        Dimensions = context.EmbeddingSize;
        metadata = new EmbeddingGeneratorMetadata("llama.cpp", new Uri("file://" + model.Path), model.Name, Dimensions);
    }

    /// <summary>The length of every vector: the model's embedding width.</summary>
    public int Dimensions { get; }

    public async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        ObjectDisposedException.ThrowIf(disposed, this);
        var inputs = values.ToList();
        if (options?.Dimensions is { } dimensions && dimensions != Dimensions)
        {
            throw new NotSupportedException($"{model.Name} makes {Dimensions}-dimensional embeddings; it cannot make {dimensions}. Leave EmbeddingGenerationOptions.Dimensions unset.");
        }

        cancellationToken.ThrowIfCancellationRequested();
        var results = new List<Embedding<float>>(inputs.Count);
        var tokenCount = 0L;
        if (inputs.Count == 0)
        {
            return new GeneratedEmbeddings<Embedding<float>>(results) { Usage = new UsageDetails { InputTokenCount = 0, TotalTokenCount = 0 } };
        }

        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var batch = new LLamaBatch();
            for (var i = 0; i < inputs.Count; i++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var tokens = Tokenize(inputs[i], i);
                context.NativeHandle.MemoryClear(true);
                batch.Clear();
                batch.AddRange(tokens, 0, LLamaSeqId.Zero, true);
                var result = await context.DecodeAsync(batch, cancellationToken).ConfigureAwait(false);
                if (result != DecodeResult.Ok)
                {
                    throw new InvalidOperationException($"llama.cpp could not evaluate input {i} ({result}).");
                }

                var vector = context.NativeHandle.GetEmbeddingsSeq(LLamaSeqId.Zero).ToArray();
                if (vector.Length != Dimensions)
                {
                    throw new InvalidOperationException($"llama.cpp returned {vector.Length} values for input {i} instead of {Dimensions}; the model may not support pooled embeddings.");
                }

                if (this.options.Normalize)
                {
                    Normalize(vector);
                }

                tokenCount += tokens.Length;
                results.Add(new Embedding<float>(vector) { ModelId = model.Name });
            }
        }
        finally
        {
            gate.Release();
        }

        return new GeneratedEmbeddings<Embedding<float>>(results)
        {
            Usage = new UsageDetails { InputTokenCount = tokenCount, TotalTokenCount = tokenCount },
        };
    }

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is not null ? null
        : serviceType == typeof(EmbeddingGeneratorMetadata) ? metadata
        : serviceType == typeof(LlamaModel) ? model
        : serviceType.IsInstanceOfType(this) ? this
        : null;

    public void Dispose()
    {
        if (disposed)
        {
            return;
        }

        disposed = true;
        context.Dispose();
        gate.Dispose();
    }

    /// <summary>Scales a vector to Euclidean length 1 (a zero vector stays zero).</summary>
    private static void Normalize(float[] vector)
    {
        var sum = 0d;
        foreach (var x in vector)
        {
            sum += (double)x * x;
        }

        if (sum > 0)
        {
            var scale = 1 / Math.Sqrt(sum);
            for (var i = 0; i < vector.Length; i++)
            {
                vector[i] = (float)(vector[i] * scale);
            }
        }
    }

    private LLamaToken[] Tokenize(string text, int index)
    {
        ArgumentNullException.ThrowIfNull(text, $"values[{index}]");
        var tokens = context.Tokenize(text, model.Weights.Vocab.ShouldAddBOS, special: false);
        if (tokens.Length == 0)
        {
            throw new ArgumentException($"Input {index} is empty: it has no tokens to embed.", nameof(text));
        }

        if (tokens.Length > options.MaxInputTokens)
        {
            throw new ArgumentException($"Input {index} has {tokens.Length} tokens but LlamaEmbeddingOptions.MaxInputTokens is {options.MaxInputTokens}; raise it (the model's trained context is the limit) or split the text.", nameof(text));
        }

        return tokens;
    }
}
