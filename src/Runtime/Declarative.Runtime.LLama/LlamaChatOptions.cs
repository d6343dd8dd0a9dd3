namespace Declarative.Runtime.LLama;

/// <summary>Defaults of the chat client over a local model, for what a request does not set.</summary>
public sealed class LlamaChatOptions
{
    /// <summary>The most tokens of a reply when the request sets no <c>MaxOutputTokens</c> (default 1024).</summary>
    public int MaxOutputTokens { get; set; } = 1024;

    /// <summary>The temperature when the request sets none (default 0: greedy, so the same prompt gives the same reply).</summary>
    public float Temperature { get; set; }

    /// <summary>
    /// Whether text the grammar forces (the rest of a field name, a closing quote) is fed to the model without sampling
    /// (default <see langword="true"/>). The reply is the same; fewer tokens are sampled.
    /// </summary>
    public bool FastForward { get; set; } = true;

    /// <summary>
    /// Whether a reply under a grammar ends as a complete document when the token limit (or the context) runs short
    /// (default <see langword="true"/>): in its last tokens, a token after which no completion of the document fits is
    /// replaced by the shortest completion (<c>0</c> for a number, <c>""</c> for a string, closing brackets and the
    /// remaining fields), so the reply still parses. It needs a limit that leaves room for some completion at all.
    /// </summary>
    public bool CompleteWithinLimit { get; set; } = true;

    /// <summary>
    /// Whether a prompt that starts like the previous one evaluates only its new tail, the rest being kept in the KV
    /// cache (default <see langword="true"/>). Replies are the same either way; turn it off only to measure.
    /// </summary>
    public bool ReusePrefix { get; set; } = true;

    /// <summary>
    /// The chat template used when the model's GGUF metadata has none, or one llama.cpp does not recognise: a template
    /// name llama.cpp knows (<c>chatml</c>, <c>llama3</c>, <c>mistral-v7</c>, …). Default <c>chatml</c>.
    /// </summary>
    public string FallbackTemplate { get; set; } = "chatml";

    /// <summary>How many calls may wait for a free sequence before callers wait to enqueue (default 256).</summary>
    public int QueueCapacity { get; set; } = 256;

    /// <summary>Checks every setting; called when the client is made.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range.</exception>
    public void Validate()
    {
        if (MaxOutputTokens < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxOutputTokens), MaxOutputTokens, "At least one token.");
        }

        if (Temperature < 0 || float.IsNaN(Temperature))
        {
            throw new ArgumentOutOfRangeException(nameof(Temperature), Temperature, "The temperature cannot be negative.");
        }

        ArgumentException.ThrowIfNullOrWhiteSpace(FallbackTemplate, nameof(FallbackTemplate));
        if (QueueCapacity < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(QueueCapacity), QueueCapacity, "At least 1.");
        }
    }
}
