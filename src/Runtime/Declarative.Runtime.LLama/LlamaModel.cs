using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Declarative.Decoding;
using Declarative.Grammars;
using LLama;
using LLama.Common;
using LLama.Exceptions;
using LLama.Native;
using Microsoft.Extensions.AI;

namespace Declarative.Runtime.LLama;

/// <summary>
/// A local GGUF model loaded by llama.cpp (through LLamaSharp), with its vocabulary read for Declarative's token masks.
/// Thread-safe; make chat clients with <see cref="CreateChatClient"/>. The application picks the native backend package
/// (LLamaSharp.Backend.Cpu, or LLamaSharp.Backend.Cuda12 for NVIDIA GPUs).
/// </summary>
public sealed class LlamaModel : IDisposable
{
    private readonly ConditionalWeakTable<Grammar, TokenGrammar> grammars = new();
    private readonly ConcurrentDictionary<string, TokenGrammar> schemaGrammars = new(StringComparer.Ordinal);

    private LlamaModel(string path, LlamaModelOptions options, LLamaWeights weights, Vocabulary vocabulary)
    {
        Path = path;
        Options = options;
        Weights = weights;
        Vocabulary = vocabulary;
        Name = System.IO.Path.GetFileNameWithoutExtension(path);
    }

    /// <summary>The model file.</summary>
    public string Path { get; }

    /// <summary>The model's name (its file name without extension), reported as the model id of replies.</summary>
    public string Name { get; }

    /// <summary>The settings it was loaded with.</summary>
    public LlamaModelOptions Options { get; }

    /// <summary>The weights as LLamaSharp holds them.</summary>
    public LLamaWeights Weights { get; }

    /// <summary>The vocabulary as bytes per token id, for token masks.</summary>
    public Vocabulary Vocabulary { get; }

    /// <summary>Loads a GGUF model.</summary>
    /// <param name="path">The .gguf file.</param>
    /// <param name="options">Load and context settings; <see langword="null"/> for the defaults.</param>
    /// <returns>The loaded model.</returns>
    /// <exception cref="FileNotFoundException">There is no such file.</exception>
    /// <exception cref="InvalidDataException">The file is not a GGUF model llama.cpp can load (corrupt or truncated); the message says what to do.</exception>
    public static LlamaModel Load(string path, LlamaModelOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        options ??= new LlamaModelOptions();
        options.Validate();
        var full = System.IO.Path.GetFullPath(path);
        if (!File.Exists(full))
        {
            throw new FileNotFoundException($"No model file at {full}; check the path given after 'llama:'.", full);
        }

        // The metadata is read by our own reader first: a file that is not GGUF fails here with a clear message
        // rather than inside llama.cpp.
        var vocabulary = GgufVocabulary.Load(full);
        LLamaWeights weights;
        try
        {
            weights = LLamaWeights.LoadFromFile(ToParams(full, options));
        }
        catch (LoadWeightsFailedException ex)
        {
            throw new InvalidDataException($"llama.cpp could not load {full}: the file is corrupt, truncated or of an architecture this llama.cpp does not know. Download it again (a download spec with '#sha256=' verifies it).", ex);
        }

        if (weights.Vocab.Count != vocabulary.Count)
        {
            weights.Dispose();
            throw new InvalidDataException($"{full}: llama.cpp sees {weights.Vocab.Count} tokens but the tokenizer metadata lists {vocabulary.Count}; the file is inconsistent.");
        }

        return new LlamaModel(full, options, weights, vocabulary);
    }

    /// <summary>
    /// Makes a chat client over this model: one llama.cpp context whose sequences serve up to
    /// <see cref="LlamaModelOptions.ParallelSequences"/> concurrent calls in shared batches.
    /// </summary>
    /// <param name="options">Generation defaults; <see langword="null"/> for the defaults.</param>
    /// <returns>The client; dispose it to free its context.</returns>
    public IChatClient CreateChatClient(LlamaChatOptions? options = null)
    {
        options ??= new LlamaChatOptions();
        options.Validate();
        if (options.Speculation == LlamaSpeculation.DraftModel && !Vocabulary.SameTokens(options.DraftModel!.Vocabulary))
        {
            throw new ArgumentException($"The draft model {options.DraftModel.Name} has another vocabulary than {Name} ({options.DraftModel.Vocabulary.Count} and {Vocabulary.Count} tokens, or different token bytes); a draft model must share the target's tokenizer.", nameof(options));
        }

        return new LlamaChatClient(this, options);
    }

    /// <summary>Frees the weights. Chat clients made from the model must be disposed first.</summary>
    public void Dispose() => Weights.Dispose();

    internal ModelParams ContextParams() => ToParams(Path, Options);

    /// <summary>The grammar bound to this model's vocabulary (made once per grammar).</summary>
    internal TokenGrammar Bind(Grammar grammar) =>
        grammars.GetValue(grammar, g => new TokenGrammar(CompiledGrammar.Compile(g), Vocabulary));

    /// <summary>The grammar of a JSON schema bound to this model's vocabulary (made once per schema text).</summary>
    internal TokenGrammar BindSchema(string schema)
    {
        if (schemaGrammars.TryGetValue(schema, out var known))
        {
            return known;
        }

        if (schemaGrammars.Count >= 256)
        {
            schemaGrammars.Clear();
        }

        var bound = new TokenGrammar(CompiledGrammar.Compile(JsonSchemaCompiler.Compile(schema).Grammar), Vocabulary);
        return schemaGrammars.GetOrAdd(schema, bound);
    }

    private static ModelParams ToParams(string path, LlamaModelOptions options) => new(path)
    {
        ContextSize = (uint)options.ContextSize,
        BatchSize = (uint)options.BatchSize,
        UBatchSize = (uint)Math.Min(options.BatchSize, 512),
        Threads = options.Threads,
        BatchThreads = options.Threads,
        GpuLayerCount = options.GpuLayerCount < 0 ? 999 : options.GpuLayerCount,
        FlashAttention = options.FlashAttention,
        TypeK = options.NativeKvType,
        TypeV = options.NativeKvType,
        LoadMode = options.UseMemoryMap ? LLamaLoadMode.MemoryMap : LLamaLoadMode.None,
        SeqMax = (uint)options.ParallelSequences,
        KVUnified = true,
    };

    /// <summary>
    /// Makes an embedding generator over this model (one llama.cpp context made for embeddings; calls take turns on it).
    /// Each input becomes one vector of the model's embedding width, pooled from its tokens' hidden states.
    /// </summary>
    /// <param name="options">Pooling, normalization and input length; <see langword="null"/> for the defaults (mean pooling, L2-normalized, 512 tokens).</param>
    /// <returns>The generator; dispose it (before the model) to free its context.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public IEmbeddingGenerator<string, Embedding<float>> CreateEmbeddingGenerator(LlamaEmbeddingOptions? options = null)
    {
        options ??= new LlamaEmbeddingOptions();
        options.Validate();
        return new LlamaEmbeddingGenerator(this, options);
    }
}
