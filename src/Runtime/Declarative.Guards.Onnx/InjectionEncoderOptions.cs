namespace Declarative.Guards.Onnx;

/// <summary>How <see cref="InjectionEncoder.Create"/> runs the encoder. The model, its weights and its tokenization are fixed: the classifier was trained on exactly them.</summary>
public sealed class InjectionEncoderOptions
{
    /// <summary>Texts per ONNX Runtime call (default 32).</summary>
    public int BatchSize { get; set; } = 32;

    /// <summary>ONNX Runtime's intra-op threads; <see langword="null"/> for its default.</summary>
    public int? IntraOpThreads { get; set; }

    /// <summary>ONNX Runtime's inter-op threads; <see langword="null"/> for its default.</summary>
    public int? InterOpThreads { get; set; }

    /// <summary>Run on an NVIDIA GPU through ONNX Runtime's CUDA provider (the application references a CUDA build of ONNX Runtime).</summary>
    public bool UseCuda { get; set; }

    /// <summary>The CUDA device, with <see cref="UseCuda"/>.</summary>
    public int CudaDeviceId { get; set; }
}
