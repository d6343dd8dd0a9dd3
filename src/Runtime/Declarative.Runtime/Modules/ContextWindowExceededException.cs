namespace Declarative;

/// <summary>
/// A request did not fit the model's context window. Backends may throw it; <see cref="ReAct"/> also recognises other
/// clients' errors as overflow through <see cref="IsContextOverflow"/>, and answers by dropping the oldest step of its
/// trajectory and asking again.
/// </summary>
public sealed class ContextWindowExceededException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ContextWindowExceededException()
        : base("The request does not fit the model's context window; shorten the inputs or use a model with a larger window.")
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    public ContextWindowExceededException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public ContextWindowExceededException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>
    /// Whether an error (or one of its inner errors) says the context window was exceeded: a
    /// <see cref="ContextWindowExceededException"/>, or a message holding one of the phrases providers use
    /// (<c>context_length_exceeded</c> from OpenAI, <c>maximum context length</c> from OpenAI and vLLM,
    /// <c>context window</c>, <c>exceeds the context</c> and <c>context size</c> from llama.cpp servers,
    /// <c>prompt is too long</c> from Anthropic), compared without case.
    /// </summary>
    /// <param name="error">The error.</param>
    /// <returns><see langword="true"/> when it is a context overflow.</returns>
    public static bool IsContextOverflow(Exception error)
    {
        for (var e = error; e is not null; e = e.InnerException)
        {
            if (e is ContextWindowExceededException || Phrases.Any(p => e.Message.Contains(p, StringComparison.OrdinalIgnoreCase)))
            {
                return true;
            }
        }

        return false;
    }

    private static readonly string[] Phrases =
        ["context_length_exceeded", "maximum context length", "context window", "exceeds the context", "context size", "prompt is too long"];
}
