namespace Declarative.Runtime.OpenAI;

/// <summary>What a kind of server can enforce, and through which request field (the README's capability table).</summary>
/// <param name="GrammarField">The body field that takes a GBNF grammar, or <see langword="null"/>.</param>
/// <param name="SchemaField">A body field that takes the JSON schema directly (vLLM's <c>guided_json</c>), or <see langword="null"/>.</param>
/// <param name="StrictJsonSchema">Whether JSON schemas are sent as strict structured outputs (rewritten to the strict subset).</param>
/// <param name="PreferGrammarForJson">Whether a JSON reply is constrained by its grammar rather than by its schema.</param>
internal sealed record ServerCapabilities(string? GrammarField, string? SchemaField, bool StrictJsonSchema, bool PreferGrammarForJson)
{
    /// <summary>The <c>declarative.constrained</c> value when the reply was constrained by a grammar.</summary>
    public const string ByGrammar = "grammar";

    /// <summary>The value when the reply was constrained (or at least asked for) by a JSON schema.</summary>
    public const string ByJsonSchema = "json_schema";

    /// <summary>The value when nothing constrained the reply (the adapter's parse-and-retry path is all there is).</summary>
    public const string Unconstrained = "none";

    public static ServerCapabilities For(OpenAiServerKind kind) => kind switch
    {
        OpenAiServerKind.OpenAI => new(null, null, StrictJsonSchema: true, PreferGrammarForJson: false),
        OpenAiServerKind.VLlm => new("guided_grammar", "guided_json", StrictJsonSchema: false, PreferGrammarForJson: false),
        OpenAiServerKind.LlamaServer => new("grammar", null, StrictJsonSchema: false, PreferGrammarForJson: true),
        _ => new(null, null, StrictJsonSchema: false, PreferGrammarForJson: false),
    };
}
