namespace Declarative.Runtime.Onnx;

/// <summary>
/// An input has more tokens than <see cref="OnnxEmbeddingOptions.MaxSequenceLength"/> and
/// <see cref="OnnxEmbeddingOptions.Overflow"/> is <see cref="SequenceOverflow.Throw"/>: nothing was embedded.
/// </summary>
public sealed class EmbeddingInputTooLongException : ArgumentException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="inputIndex">The position of the input in the call.</param>
    /// <param name="maxSequenceLength">The limit, in tokens.</param>
    public EmbeddingInputTooLongException(int inputIndex, int maxSequenceLength)
        : base($"Input {inputIndex} has more than {maxSequenceLength} tokens (OnnxEmbeddingOptions.MaxSequenceLength, counting [CLS] and [SEP]). Split the text into chunks, raise MaxSequenceLength (512 at most for BERT models), or set Overflow = SequenceOverflow.Truncate to embed its beginning.")
    {
        InputIndex = inputIndex;
        MaxSequenceLength = maxSequenceLength;
    }

    /// <summary>The position of the input in the call.</summary>
    public int InputIndex { get; }

    /// <summary>The limit, in tokens.</summary>
    public int MaxSequenceLength { get; }
}
