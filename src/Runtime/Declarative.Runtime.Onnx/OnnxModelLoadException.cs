namespace Declarative.Runtime.Onnx;

/// <summary>
/// The encoder could not be made: a model or vocabulary file is missing or unreadable, the model is not a BERT-style
/// encoder, the default model's package is absent, or the requested execution provider is not available. The message
/// names the fix.
/// </summary>
public sealed class OnnxModelLoadException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What went wrong and what to do.</param>
    /// <param name="path">The file concerned, if any.</param>
    /// <param name="innerException">The underlying error, if any.</param>
    public OnnxModelLoadException(string message, string? path = null, Exception? innerException = null)
        : base(message, innerException)
    {
        Path = path;
    }

    /// <summary>The file concerned (model or vocabulary), or <see langword="null"/>.</summary>
    public string? Path { get; }
}
