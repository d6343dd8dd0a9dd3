using System.ClientModel;
using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;
using OpenAI.Chat;
using ChatResponseFormat = Microsoft.Extensions.AI.ChatResponseFormat;

namespace Declarative.Runtime.OpenAI;

/// <summary>
/// Maps Declarative's request conventions (a JSON schema in <see cref="ChatOptions.ResponseFormat"/>, an
/// <see cref="OutputGrammar"/> under <see cref="OptionKeys.Grammar"/>) onto what the server can enforce — strict
/// structured outputs, a GBNF <c>grammar</c>, vLLM's <c>guided_*</c> fields — records which it used under
/// <see cref="OptionKeys.Constrained"/>, re-checks the constraints strict mode could not take, and turns the SDK's HTTP
/// errors into <see cref="OpenAiServerException"/>s.
/// </summary>
internal sealed partial class ServerCapabilityChatClient : DelegatingChatClient
{
    private readonly ServerCapabilities capabilities;
    private readonly bool strictSchemas;
    private readonly ConditionalWeakTable<ChatResponseFormatJson, StrictSchema> strictCache = new();

    public ServerCapabilityChatClient(IChatClient inner, OpenAiServerKind kind, bool strictSchemas)
        : base(inner)
    {
        capabilities = ServerCapabilities.For(kind);
        this.strictSchemas = strictSchemas;
    }

    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<Microsoft.Extensions.AI.ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var plan = Plan(options);
        ChatResponse response;
        try
        {
            response = await base.GetResponseAsync(messages, plan.Options, cancellationToken).ConfigureAwait(false);
        }
        catch (ClientResultException ex)
        {
            throw OpenAiErrors.Translate(ex);
        }

        (response.AdditionalProperties ??= [])[OptionKeys.Constrained] = plan.Constrained;
        plan.Check(response.Text);
        return response;
    }

    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<Microsoft.Extensions.AI.ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var plan = Plan(options);
        var text = new System.Text.StringBuilder();
        var enumerator = base.GetStreamingResponseAsync(messages, plan.Options, cancellationToken).GetAsyncEnumerator(cancellationToken);
        await using (enumerator.ConfigureAwait(false))
        {
            var first = true;
            while (true)
            {
                try
                {
                    if (!await enumerator.MoveNextAsync().ConfigureAwait(false))
                    {
                        break;
                    }
                }
                catch (ClientResultException ex)
                {
                    throw OpenAiErrors.Translate(ex);
                }

                var update = enumerator.Current;
                text.Append(update.Text);
                if (first)
                {
                    (update.AdditionalProperties ??= [])[OptionKeys.Constrained] = plan.Constrained;
                    first = false;
                }

                yield return update;
            }
        }

        plan.Check(text.ToString());
    }

    /// <summary>Decides how this request's format is enforced, and rewrites the options to say so.</summary>
    private RequestPlan Plan(ChatOptions? options)
    {
        if (options is null)
        {
            return new RequestPlan(null, ServerCapabilities.Unconstrained, null, null);
        }

        // A signature's reply grammar, or a raw grammar a module put there instead (text-to-SQL's schema grammar).
        var attached = options.AdditionalProperties?.TryGetValue(OptionKeys.Grammar, out var g) == true ? g : null;
        var grammar = attached as OutputGrammar;
        var json = options.ResponseFormat as ChatResponseFormatJson;
        var clone = options.Clone();
        if (clone.AdditionalProperties is { } properties)
        {
            foreach (var key in properties.Keys.Where(k => k.StartsWith("declarative.", StringComparison.Ordinal)).ToList())
            {
                properties.Remove(key);
            }
        }

        string? gbnf = null;
        if (capabilities.GrammarField is not null && grammar is not null && grammar.TryGetGrammar(out var compiled, out _))
        {
            gbnf = compiled!.ToGbnf();
        }
        else if (capabilities.GrammarField is not null && attached is Declarative.Grammars.Grammar raw)
        {
            gbnf = raw.ToGbnf();
        }

        var fields = new List<(string Name, JsonNode Value)>();
        global::OpenAI.Chat.ChatResponseFormat? rawFormat = null;
        StrictSchema? strict = null;
        string constrained;
        if (gbnf is not null && (json is null || capabilities.PreferGrammarForJson || capabilities.SchemaField is null || json.Schema is null))
        {
            fields.Add((capabilities.GrammarField!, JsonValue.Create(gbnf)));
            clone.ResponseFormat = null; // llama-server takes a grammar or a schema, not both
            constrained = ServerCapabilities.ByGrammar;
        }
        else if (json?.Schema is { } schema)
        {
            constrained = ServerCapabilities.ByJsonSchema;
            if (capabilities.SchemaField is { } schemaField)
            {
                fields.Add((schemaField, JsonNode.Parse(schema.GetRawText())!));
                clone.ResponseFormat = null;
            }
            else if (capabilities.StrictJsonSchema && strictSchemas && JsonNode.Parse(schema.GetRawText()) is JsonObject original)
            {
                strict = strictCache.GetValue(json, _ => StrictSchema.From(original));
                rawFormat = global::OpenAI.Chat.ChatResponseFormat.CreateJsonSchemaFormat(
                    json.SchemaName ?? "response", BinaryData.FromString(strict.Strict.ToJsonString()), json.SchemaDescription, jsonSchemaIsStrict: true);
                clone.ResponseFormat = null;
            }
        }
        else
        {
            constrained = json is not null ? "json_object" : ServerCapabilities.Unconstrained;
        }

        if (fields.Count > 0 || rawFormat is not null)
        {
            var previous = clone.RawRepresentationFactory;
            clone.RawRepresentationFactory = client => Raw(previous?.Invoke(client) as ChatCompletionOptions ?? new ChatCompletionOptions(), rawFormat, fields);
        }

        return new RequestPlan(clone, constrained, strict, grammar);
    }
}
