using System.Buffers;
using Microsoft.Extensions.AI;
using Microsoft.ML.OnnxRuntime;

namespace Declarative.Runtime.Onnx;

/// <summary>
/// An <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/> over a BERT-family ONNX encoder. A call tokenizes its
/// inputs, sorts them by token count and runs them in batches of <see cref="OnnxEmbeddingOptions.BatchSize"/>, each
/// padded to its longest input; the last hidden states are mean-pooled over the attention mask and optionally
/// L2-normalized, and the embeddings are returned in input order. The work runs on the calling thread; concurrent calls
/// share the session (ONNX Runtime's <c>Run</c> is thread-safe). Cancellation stops the current run and the next batch.
/// </summary>
internal sealed class OnnxEmbeddingGenerator : IEmbeddingGenerator<string, Embedding<float>>
{
    private readonly OnnxEncoderModel model;
    private readonly int maxSequenceLength;
    private readonly SequenceOverflow overflow;
    private readonly bool normalize;
    private readonly int batchSize;
    private readonly string[] inputNames;
    private readonly string[] outputNames;
    private readonly EmbeddingGeneratorMetadata metadata;
    private volatile bool disposed;

    public OnnxEmbeddingGenerator(OnnxEncoderModel model, OnnxEmbeddingOptions options)
    {
        this.model = model;
        maxSequenceLength = options.MaxSequenceLength;
        overflow = options.Overflow;
        normalize = options.Normalize;
        batchSize = options.BatchSize;
        inputNames = model.HasTokenTypeIds ? ["input_ids", "attention_mask", "token_type_ids"] : ["input_ids", "attention_mask"];
        outputNames = [model.OutputName];
        metadata = new EmbeddingGeneratorMetadata("onnxruntime", options.ModelPath is { } path ? new Uri(Path.GetFullPath(path)) : null, model.ModelId, model.Dimensions);
    }

    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        ObjectDisposedException.ThrowIf(disposed, this);
        if (options?.Dimensions is { } dimensions && model.Dimensions is { } width && dimensions != width)
        {
            throw new NotSupportedException($"{model.ModelId} makes {width}-dimensional embeddings; it cannot make {dimensions}. Leave EmbeddingGenerationOptions.Dimensions unset.");
        }

        cancellationToken.ThrowIfCancellationRequested();
        var inputs = values as IReadOnlyList<string> ?? values.ToList();
        var tokens = new int[inputs.Count][];
        var tokenCount = 0L;
        for (var i = 0; i < tokens.Length; i++)
        {
            tokens[i] = Tokenize(inputs[i], i);
            tokenCount += tokens[i].Length;
        }

        var results = new Embedding<float>[tokens.Length];
        if (tokens.Length > 0)
        {
            Embed(tokens, results, cancellationToken);
        }

        return Task.FromResult(new GeneratedEmbeddings<Embedding<float>>(results)
        {
            Usage = new UsageDetails { InputTokenCount = tokenCount, TotalTokenCount = tokenCount },
        });
    }

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is not null ? null
        : serviceType == typeof(EmbeddingGeneratorMetadata) ? metadata
        : serviceType == typeof(InferenceSession) ? model.Session
        : serviceType.IsInstanceOfType(this) ? this
        : null;

    public void Dispose()
    {
        if (!disposed)
        {
            disposed = true;
            model.Dispose();
        }
    }

    private int[] Tokenize(string text, int index)
    {
        if (text is null)
        {
            throw new ArgumentNullException($"values[{index}]", $"Input {index} is null; pass an empty string to embed nothing.");
        }

        // Asking for one token more than allowed tells an input that fits from one that was cut.
        var limit = overflow == SequenceOverflow.Throw ? maxSequenceLength + 1 : maxSequenceLength;
        var ids = model.Tokenizer.EncodeToIds(text, limit, addSpecialTokens: true, out _, out _);
        if (ids.Count > maxSequenceLength)
        {
            throw new EmbeddingInputTooLongException(index, maxSequenceLength);
        }

        return ids as int[] ?? [.. ids];
    }

    private void Embed(int[][] tokens, Embedding<float>[] results, CancellationToken cancellationToken)
    {
        var order = new int[tokens.Length];
        var lengths = new int[tokens.Length];
        for (var i = 0; i < order.Length; i++)
        {
            order[i] = i;
            lengths[i] = tokens[i].Length;
        }

        Array.Sort(lengths, order);
        using var runOptions = new RunOptions();
        using var registration = cancellationToken.CanBeCanceled ? cancellationToken.Register(static o => ((RunOptions)o!).Terminate = true, runOptions) : default;
        for (var start = 0; start < order.Length; start += batchSize)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var batch = order.AsSpan(start, Math.Min(batchSize, order.Length - start));
            try
            {
                RunBatch(tokens, batch, results, runOptions);
            }
            catch (OnnxRuntimeException) when (cancellationToken.IsCancellationRequested)
            {
                throw new OperationCanceledException(cancellationToken);
            }
        }
    }

    private void RunBatch(int[][] tokens, ReadOnlySpan<int> batch, Embedding<float>[] results, RunOptions runOptions)
    {
        var rows = batch.Length;
        var columns = tokens[batch[^1]].Length; // sorted by length: the last is the longest
        var size = rows * columns;
        var ids = ArrayPool<long>.Shared.Rent(size);
        var mask = ArrayPool<long>.Shared.Rent(size);
        var types = model.HasTokenTypeIds ? ArrayPool<long>.Shared.Rent(size) : null;
        try
        {
            ids.AsSpan(0, size).Clear();
            mask.AsSpan(0, size).Clear();
            types?.AsSpan(0, size).Clear();
            for (var r = 0; r < rows; r++)
            {
                var row = tokens[batch[r]];
                var offset = r * columns;
                for (var t = 0; t < row.Length; t++)
                {
                    ids[offset + t] = row[t];
                }

                mask.AsSpan(offset, row.Length).Fill(1);
            }

            long[] shape = [rows, columns];
            using var idsValue = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, ids.AsMemory(0, size), shape);
            using var maskValue = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, mask.AsMemory(0, size), shape);
            using var typesValue = types is null ? null : OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, types.AsMemory(0, size), shape);
            OrtValue[] inputValues = typesValue is null ? [idsValue, maskValue] : [idsValue, maskValue, typesValue];
            using var outputs = model.Session.Run(runOptions, inputNames, inputValues, outputNames);
            var hidden = outputs[0].GetTensorDataAsSpan<float>();
            var width = hidden.Length / size;
            for (var r = 0; r < rows; r++)
            {
                var length = tokens[batch[r]].Length;
                var vector = MeanPooling.Pool(hidden.Slice(r * columns * width, length * width), width, normalize);
                results[batch[r]] = new Embedding<float>(vector) { ModelId = model.ModelId };
            }
        }
        finally
        {
            ArrayPool<long>.Shared.Return(ids);
            ArrayPool<long>.Shared.Return(mask);
            if (types is not null)
            {
                ArrayPool<long>.Shared.Return(types);
            }
        }
    }
}
