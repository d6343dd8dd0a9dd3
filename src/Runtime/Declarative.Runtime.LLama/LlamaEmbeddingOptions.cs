namespace Declarative.Runtime.LLama;

/// <summary>
/// Settings of the embedding generator over a local model (<see cref="LlamaModel.CreateEmbeddingGenerator"/>). Validated
/// once, when the generator is made.
/// </summary>
public sealed class LlamaEmbeddingOptions
{
    /// <summary>How the hidden states of an input's tokens become one vector (default <see cref="LlamaEmbeddingPooling.Mean"/>; llama.cpp's <c>--pooling</c>).</summary>
    public LlamaEmbeddingPooling Pooling { get; set; } = LlamaEmbeddingPooling.Mean;

    /// <summary>Whether each vector is scaled to Euclidean (L2) length 1, so a dot product is the cosine similarity (default <see langword="true"/>).</summary>
    public bool Normalize { get; set; } = true;

    /// <summary>
    /// The most tokens of one input (default 512). The generator's llama.cpp context holds this many tokens and
    /// evaluates an input in one batch, as pooling needs; a longer input is an error rather than silently cut.
    /// </summary>
    public int MaxInputTokens { get; set; } = 512;

    /// <summary>Checks every setting; called when the generator is made.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range; the message names it.</exception>
    public void Validate()
    {
        if (!Enum.IsDefined(Pooling))
        {
            throw new ArgumentOutOfRangeException(nameof(Pooling), Pooling, "Unknown pooling; use Mean, Last or Cls.");
        }

        if (MaxInputTokens < 8)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxInputTokens), MaxInputTokens, "An input must be allowed at least 8 tokens.");
        }
    }
}

/// <summary>How the hidden states of an input's tokens are pooled into one embedding.</summary>
public enum LlamaEmbeddingPooling
{
    /// <summary>The mean of all tokens' states (what most sentence-embedding GGUF models expect).</summary>
    Mean,

    /// <summary>The state of the last token (for decoder models trained for last-token pooling).</summary>
    Last,

    /// <summary>The state of the first token (BERT-style <c>[CLS]</c> models).</summary>
    Cls,
}
