using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;

namespace Declarative.Testing;

/// <summary>OpenAI request JSON to Microsoft.Extensions.AI messages and options.</summary>
public sealed partial class OpenAiTestServer
{
    /// <summary>The key under which the request's body (a <see cref="JsonObject"/>) is passed to the chat client in <see cref="ChatOptions.AdditionalProperties"/>.</summary>
    public const string RequestBodyKey = "openai.request_body";

    private static List<ChatMessage> ToMessages(JsonArray messages) =>
        messages.OfType<JsonObject>().Select(m =>
        {
            var role = m["role"]?.GetValue<string>() switch
            {
                "system" or "developer" => ChatRole.System,
                "assistant" => ChatRole.Assistant,
                "tool" => ChatRole.Tool,
                _ => ChatRole.User,
            };
            var text = m["content"] switch
            {
                JsonValue value when value.TryGetValue<string>(out var s) => s,
                JsonArray parts => string.Concat(parts.OfType<JsonObject>().Where(p => p["type"]?.GetValue<string>() == "text").Select(p => p["text"]?.GetValue<string>())),
                _ => string.Empty,
            };
            return new ChatMessage(role, text);
        }).ToList();

    private static ChatOptions ToOptions(JsonObject request, string model)
    {
        var options = new ChatOptions
        {
            ModelId = model,
            Temperature = request["temperature"]?.GetValue<float>(),
            TopP = request["top_p"]?.GetValue<float>(),
            Seed = request["seed"]?.GetValue<long>(),
            MaxOutputTokens = (request["max_completion_tokens"] ?? request["max_tokens"])?.GetValue<int>(),
            StopSequences = request["stop"] switch
            {
                JsonArray stops => stops.Select(s => s!.GetValue<string>()).ToList(),
                JsonValue stop => [stop.GetValue<string>()],
                _ => null,
            },
            AdditionalProperties = new AdditionalPropertiesDictionary { [RequestBodyKey] = request },
        };
        options.ResponseFormat = request["response_format"]?["type"]?.GetValue<string>() switch
        {
            "json_schema" when request["response_format"]!["json_schema"] is JsonObject format => ChatResponseFormat.ForJsonSchema(
                JsonSerializer.SerializeToElement(format["schema"] ?? new JsonObject()), format["name"]?.GetValue<string>(), format["description"]?.GetValue<string>()),
            "json_object" => ChatResponseFormat.Json,
            "text" => ChatResponseFormat.Text,
            _ => null,
        };
        return options;
    }
}
