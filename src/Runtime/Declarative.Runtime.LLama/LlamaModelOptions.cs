using LLama.Native;

namespace Declarative.Runtime.LLama;

/// <summary>
/// How a GGUF model is loaded and its context made: the settings a llama.cpp user expects, with defaults that suit a
/// single-user service. Validated once, by <see cref="LlamaModel.Load"/>.
/// </summary>
public sealed class LlamaModelOptions
{
    /// <summary>Tokens the context holds, prompt and reply together (default 4096; llama.cpp's <c>-c</c>).</summary>
    public int ContextSize { get; set; } = 4096;

    /// <summary>The most prompt tokens evaluated in one llama.cpp batch (default 512; <c>-b</c>).</summary>
    public int BatchSize { get; set; } = 512;

    /// <summary>
    /// How many requests a chat client decodes at once, each in its own sequence of one llama.cpp context, batched
    /// together at every step (default 4; llama-server's <c>-np</c>). The sequences share the <see cref="ContextSize"/>
    /// cells of the KV cache: a request waits until its prompt and token limit fit in what is free.
    /// </summary>
    public int ParallelSequences { get; set; } = 4;

    /// <summary>CPU threads for generation; <see langword="null"/> (the default) lets llama.cpp choose (<c>-t</c>).</summary>
    public int? Threads { get; set; }

    /// <summary>
    /// Layers offloaded to the GPU: <c>-1</c> (the default) for all of them, 0 for none (<c>-ngl</c>). It takes effect
    /// only with a GPU native backend (LLamaSharp.Backend.Cuda12) referenced by the application.
    /// </summary>
    public int GpuLayerCount { get; set; } = -1;

    /// <summary>Flash attention: <see langword="null"/> (the default) lets llama.cpp decide, or force it on or off (<c>-fa</c>).</summary>
    public bool? FlashAttention { get; set; }

    /// <summary>The element type of the KV cache, for keys and values (default <see cref="LlamaKvCacheType.F16"/>; <c>-ctk</c>/<c>-ctv</c>).</summary>
    public LlamaKvCacheType KvCacheType { get; set; } = LlamaKvCacheType.F16;

    /// <summary>Whether the model file is memory-mapped rather than read into memory (default <see langword="true"/>; <c>--no-mmap</c> turns it off).</summary>
    public bool UseMemoryMap { get; set; } = true;

    /// <summary>
    /// The memory, in bytes, that saved prompt prefixes (sequence states of the KV cache) may take (default 256 MiB;
    /// 0 turns saving off). The prefix of the last call is always reused; saved ones come back when calls alternate
    /// between prompts.
    /// </summary>
    public long PrefixCacheBytes { get; set; } = 256L << 20;

    /// <summary>Prompts shorter than this many tokens are not saved as prefixes (default 64).</summary>
    public int MinSavedPrefixTokens { get; set; } = 64;

    /// <summary>Checks every setting; called when the model is loaded.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range; the message names it.</exception>
    public void Validate()
    {
        if (ContextSize < 16)
        {
            throw new ArgumentOutOfRangeException(nameof(ContextSize), ContextSize, "The context must hold at least 16 tokens.");
        }

        if (BatchSize < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(BatchSize), BatchSize, "The batch size must be at least 1.");
        }

        if (ParallelSequences is < 1 or > 256)
        {
            throw new ArgumentOutOfRangeException(nameof(ParallelSequences), ParallelSequences, "Between 1 and 256 sequences.");
        }

        if (Threads is < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(Threads), Threads, "Threads must be at least 1, or null for llama.cpp's choice.");
        }

        if (GpuLayerCount < -1)
        {
            throw new ArgumentOutOfRangeException(nameof(GpuLayerCount), GpuLayerCount, "GPU layers must be -1 (all), 0 (none) or a count.");
        }

        if (!Enum.IsDefined(KvCacheType))
        {
            throw new ArgumentOutOfRangeException(nameof(KvCacheType), KvCacheType, "Unknown KV cache type.");
        }

        if (PrefixCacheBytes < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(PrefixCacheBytes), PrefixCacheBytes, "The prefix cache size cannot be negative.");
        }

        if (MinSavedPrefixTokens < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MinSavedPrefixTokens), MinSavedPrefixTokens, "Must be at least 1.");
        }
    }

    internal GGMLType NativeKvType => KvCacheType switch
    {
        LlamaKvCacheType.F32 => GGMLType.GGML_TYPE_F32,
        LlamaKvCacheType.Q8_0 => GGMLType.GGML_TYPE_Q8_0,
        LlamaKvCacheType.Q4_0 => GGMLType.GGML_TYPE_Q4_0,
        _ => GGMLType.GGML_TYPE_F16,
    };
}

/// <summary>The element type of the KV cache.</summary>
public enum LlamaKvCacheType
{
    /// <summary>16-bit floats (llama.cpp's default).</summary>
    F16,

    /// <summary>32-bit floats.</summary>
    F32,

    /// <summary>8-bit blocks: half the memory of F16 at a small loss (needs flash attention for values on most backends).</summary>
    Q8_0,

    /// <summary>4-bit blocks: a quarter of the memory of F16.</summary>
    Q4_0,
}
