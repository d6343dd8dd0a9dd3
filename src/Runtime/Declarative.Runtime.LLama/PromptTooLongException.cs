namespace Declarative.Runtime.LLama;

/// <summary>A prompt does not fit in the model's context: nothing was evaluated.</summary>
public sealed class PromptTooLongException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="promptTokens">The prompt's length in tokens.</param>
    /// <param name="contextSize">The context's size in tokens.</param>
    public PromptTooLongException(int promptTokens, int contextSize)
        : base($"The prompt has {promptTokens} tokens but the context holds {contextSize}, with room needed for the reply. Raise LlamaModelOptions.ContextSize (the model's trained context is the limit), or shorten the prompt (fewer demos, shorter inputs).")
    {
        PromptTokens = promptTokens;
        ContextSize = contextSize;
    }

    /// <summary>The prompt's length in tokens.</summary>
    public int PromptTokens { get; }

    /// <summary>The context's size in tokens.</summary>
    public int ContextSize { get; }
}
