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

    /// <summary>
    /// Speculative decoding (default <see cref="LlamaSpeculation.None"/>). With
    /// <see cref="LlamaSpeculation.PromptLookup"/>, each step also evaluates up to <see cref="DraftTokens"/> tokens
    /// guessed from an earlier occurrence of the reply's latest n-gram in the prompt or the reply (extraction and
    /// rewriting copy such spans), keeps those the model's own sampling confirms and drops the rest: the reply is the
    /// same as without it, in fewer steps when guesses hold.
    /// </summary>
    public LlamaSpeculation Speculation { get; set; }

    /// <summary>
    /// The draft model of <see cref="LlamaSpeculation.DraftModel"/>: a smaller model with the same vocabulary (a
    /// model of the same family). The client does not own it: dispose it after the client.
    /// </summary>
    public LlamaModel? DraftModel { get; set; }

    /// <summary>The most tokens drafted per step (default 8).</summary>
    public int DraftTokens { get; set; } = 8;

    /// <summary>The longest n-gram looked up for a draft (default 3; shorter ones are tried when it is not found).</summary>
    public int DraftNgram { get; set; } = 3;

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
        if (DraftTokens is < 1 or > 64)
        {
            throw new ArgumentOutOfRangeException(nameof(DraftTokens), DraftTokens, "Between 1 and 64.");
        }

        if (DraftNgram is < 1 or > 16)
        {
            throw new ArgumentOutOfRangeException(nameof(DraftNgram), DraftNgram, "Between 1 and 16.");
        }

        if (!Enum.IsDefined(Speculation))
        {
            throw new ArgumentOutOfRangeException(nameof(Speculation), Speculation, "Unknown speculation mode.");
        }

        if (Speculation == LlamaSpeculation.DraftModel && DraftModel is null)
        {
            throw new ArgumentException("Speculation is DraftModel but no DraftModel is set; load a smaller model of the same family and set LlamaChatOptions.DraftModel.", nameof(DraftModel));
        }

        if (QueueCapacity < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(QueueCapacity), QueueCapacity, "At least 1.");
        }
    }
}

/// <summary>How a local chat client speculates.</summary>
public enum LlamaSpeculation
{
    /// <summary>One token per step.</summary>
    None,

    /// <summary>Drafts from n-grams already in the prompt or the reply (no second model).</summary>
    PromptLookup,

    /// <summary>Drafts from a smaller model with the same vocabulary (<see cref="LlamaChatOptions.DraftModel"/>), greedy under the same grammar.</summary>
    DraftModel,
}
