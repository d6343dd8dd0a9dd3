namespace Declarative;

/// <summary>
/// Keys Declarative puts in <c>ChatOptions.AdditionalProperties</c> and <c>ChatResponse.AdditionalProperties</c>, so that
/// middleware and backends can read what a module asked for.
/// </summary>
public static class OptionKeys
{
    /// <summary>The rollout id of a call (a string): part of the cache key, so a new rollout id makes a fresh call.</summary>
    public const string RolloutId = "declarative.rollout_id";

    /// <summary>The name of the predictor making the call (a string), for usage and traces.</summary>
    public const string Predictor = "declarative.predictor";

    /// <summary>The index of a completion when several were asked for (<c>n</c> &gt; 1); part of the cache key.</summary>
    public const string CompletionIndex = "declarative.completion_index";

    /// <summary>
    /// The reply's grammar (an <see cref="OutputGrammar"/>), set by the chat and JSON adapters, or a raw
    /// <see cref="Declarative.Grammars.Grammar"/> a module puts in its place (text-to-SQL's schema grammar): backends that
    /// can constrain decoding use it (the local backend, and GBNF-capable servers through the OpenAI backend); the others
    /// ignore it. It does not take part in the cache key (the messages and
    /// response format already determine it).
    /// </summary>
    public const string Grammar = "declarative.grammar";

    /// <summary>
    /// The input fields of a call whose values are untrusted (a <see cref="string"/> or a collection of strings): modules
    /// set it from the signature's <see cref="Field.Untrusted"/> inputs (<c>[Input(Untrusted = true)]</c>) and the call's
    /// <see cref="CallSettings.UntrustedFields"/>, after names an adapter's <see cref="Adapter.ConfigureOptions"/>
    /// already put there (none is dropped); absent when there are none. The guard middleware (Declarative.Guards'
    /// <c>GuardOptions.UntrustedFieldsKey</c> is this key) spotlights those fields. Part of the cache key.
    /// </summary>
    public const string UntrustedFields = "declarative.guard.untrusted_fields";

    /// <summary>
    /// The names of the call's input fields, in order (a <see cref="string"/> array), set by every predictor call: the
    /// guard middleware splits a request into fields at these headers only, so a <c>[[ ## answer ## ]]</c> written inside
    /// a field's value stays inside it (and is found as a fake field marker) instead of starting a field of its own.
    /// Not part of the cache key (it follows from the request).
    /// </summary>
    public const string InputFields = "declarative.input_fields";

    /// <summary>
    /// Input fields whose value is itself a run of <c>[[ ## name ## ]]</c> sections the runtime formatted (ReAct's
    /// trajectory: <c>thought_0</c>, <c>tool_name_0</c>, <c>tool_args_0</c>, <c>observation_0</c>, …): an
    /// <c>IReadOnlyDictionary&lt;string, IReadOnlyList&lt;string&gt;&gt;</c> from the field to the names of the headers it
    /// holds, in order. Guards treat exactly those headers as structure, not as fake field markers; any other header
    /// inside the field, or one of them twice, still is one. Absent when no field is structured.
    /// </summary>
    public const string StructuredFields = "declarative.structured_fields";

    /// <summary>On a response: <see langword="true"/> when it came from the cache.</summary>
    public const string CacheHit = "declarative.cache_hit";

    /// <summary>
    /// On a response: how the backend enforced the reply's format — <c>grammar</c> (a grammar constrained decoding),
    /// <c>json_schema</c> (a JSON schema did), <c>json_object</c> (only "some JSON object") or <c>none</c> (nothing did:
    /// the adapter's parse-and-retry path is all there is).
    /// </summary>
    public const string Constrained = "declarative.constrained";
}
