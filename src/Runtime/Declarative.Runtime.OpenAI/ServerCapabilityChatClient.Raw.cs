using System.Text;
using System.Text.Json.Nodes;
using OpenAI.Chat;

namespace Declarative.Runtime.OpenAI;

/// <summary>The SDK request options with the fields the OpenAI SDK has no property for.</summary>
internal sealed partial class ServerCapabilityChatClient
{
    private static ChatCompletionOptions Raw(ChatCompletionOptions options, global::OpenAI.Chat.ChatResponseFormat? format, List<(string Name, JsonNode Value)> fields)
    {
        if (format is not null)
        {
            options.ResponseFormat = format;
        }

#pragma warning disable SCME0001 // JsonPatch is how the SDK adds body fields it does not model (grammar, guided_json, …).
        foreach (var (name, value) in fields)
        {
            options.Patch.Set(Encoding.UTF8.GetBytes("$." + name), BinaryData.FromString(value.ToJsonString()));
        }
#pragma warning restore SCME0001

        return options;
    }

    /// <summary>What was decided for one request.</summary>
    private sealed record RequestPlan(Microsoft.Extensions.AI.ChatOptions? Options, string Constrained, StrictSchema? Strict, OutputGrammar? Grammar)
    {
        /// <summary>Re-checks the constraints moved out of a strict schema; throws when the reply breaks one.</summary>
        public void Check(string reply)
        {
            if (Strict is not { MovedCount: > 0 })
            {
                return;
            }

            var violations = ConstraintChecker.Check(Strict.Original, reply);
            if (violations.Count == 0)
            {
                return;
            }

            var inner = new SchemaConstraintException(reply, violations);
            if (Grammar is not null)
            {
                throw new AdapterParseException(Grammar.Format == "json" ? "JsonAdapter" : "ChatAdapter", Grammar.Signature, reply, inner.Message, innerException: inner);
            }

            throw inner;
        }
    }
}
