namespace Declarative.Runtime.Onnx;

/// <summary>What an input longer than <see cref="OnnxEmbeddingOptions.MaxSequenceLength"/> tokens does.</summary>
public enum SequenceOverflow
{
    /// <summary>Its first tokens are embedded (then <c>[SEP]</c>); the rest is ignored, as sentence-transformers does. Usage counts the tokens embedded.</summary>
    Truncate,

    /// <summary>The call throws <see cref="EmbeddingInputTooLongException"/> before any model run.</summary>
    Throw,
}
