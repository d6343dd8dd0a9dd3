namespace Declarative.Runtime.OpenAI;

/// <summary>
/// The kind of server behind an OpenAI-style endpoint, which decides how a reply's format is enforced (see the
/// capability table in this project's README).
/// </summary>
public enum OpenAiServerKind
{
    /// <summary>OpenAI itself: JSON replies under strict structured outputs (the schema rewritten to the strict subset); chat-format replies unconstrained.</summary>
    OpenAI,

    /// <summary>vLLM: chat-format replies under <c>guided_grammar</c> (GBNF), JSON replies under <c>guided_json</c>.</summary>
    VLlm,

    /// <summary>llama.cpp's llama-server: every reply under its GBNF <c>grammar</c> field.</summary>
    LlamaServer,

    /// <summary>LM Studio: JSON replies under a (non-strict) <c>json_schema</c> response format; chat-format replies unconstrained.</summary>
    LmStudio,

    /// <summary>Ollama's OpenAI endpoint: JSON replies under a <c>json_schema</c> response format; chat-format replies unconstrained.</summary>
    Ollama,

    /// <summary>Any other OpenAI-compatible server: the <c>json_schema</c> response format as given; chat-format replies unconstrained.</summary>
    Generic,
}
