using System.Buffers;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Declarative.Pipeline;

/// <summary>
/// The cache key of a request: SHA-256 over a canonical JSON form of the messages, every option that changes the
/// answer (model, sampling settings, response format, stop sequences, tools, additional properties such as the
/// rollout id) and the backend's identity.
/// </summary>
internal static class CacheKey
{
    public static string Compute(IEnumerable<ChatMessage> messages, ChatOptions? options, ChatClientMetadata? backend)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("provider", backend?.ProviderName);
            writer.WriteString("endpoint", backend?.ProviderUri?.ToString());
            writer.WriteString("default_model", backend?.DefaultModelId);
            writer.WriteStartArray("messages");
            foreach (var message in messages)
            {
                writer.WriteStartObject();
                writer.WriteString("role", message.Role.Value);
                if (message.AuthorName is not null)
                {
                    writer.WriteString("author", message.AuthorName);
                }

                writer.WriteStartArray("contents");
                foreach (var content in message.Contents)
                {
                    if (content is TextContent text)
                    {
                        writer.WriteStringValue(text.Text);
                    }
                    else
                    {
                        JsonSerializer.Serialize(writer, content, AIJsonUtilities.DefaultOptions.GetTypeInfo(typeof(AIContent)));
                    }
                }

                writer.WriteEndArray();
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            if (options is not null)
            {
                WriteOptions(writer, options);
            }

            writer.WriteEndObject();
        }

        return Convert.ToHexStringLower(SHA256.HashData(buffer.WrittenSpan));
    }

    private static void WriteOptions(Utf8JsonWriter writer, ChatOptions options)
    {
        writer.WriteStartObject("options");
        writer.WriteString("model", options.ModelId);
        WriteNumber(writer, "temperature", options.Temperature);
        WriteNumber(writer, "top_p", options.TopP);
        WriteNumber(writer, "top_k", options.TopK);
        WriteNumber(writer, "max_tokens", options.MaxOutputTokens);
        WriteNumber(writer, "frequency_penalty", options.FrequencyPenalty);
        WriteNumber(writer, "presence_penalty", options.PresencePenalty);
        if (options.Seed is { } seed)
        {
            writer.WriteNumber("seed", seed);
        }

        if (options.Instructions is not null)
        {
            writer.WriteString("instructions", options.Instructions);
        }

        if (options.StopSequences is { Count: > 0 } stops)
        {
            writer.WriteStartArray("stop");
            foreach (var stop in stops)
            {
                writer.WriteStringValue(stop);
            }

            writer.WriteEndArray();
        }

        switch (options.ResponseFormat)
        {
            case ChatResponseFormatJson json:
                writer.WriteStartObject("response_format");
                writer.WriteString("type", "json");
                writer.WriteString("name", json.SchemaName);
                if (json.Schema is { } schema)
                {
                    writer.WritePropertyName("schema");
                    schema.WriteTo(writer);
                }

                writer.WriteEndObject();
                break;
            case ChatResponseFormatText:
                writer.WriteString("response_format", "text");
                break;
        }

        if (options.Tools is { Count: > 0 } tools)
        {
            writer.WriteStartArray("tools");
            foreach (var tool in tools)
            {
                writer.WriteStartObject();
                writer.WriteString("name", tool.Name);
                writer.WriteString("description", tool.Description);
                if (tool is AIFunctionDeclaration function)
                {
                    writer.WritePropertyName("schema");
                    function.JsonSchema.WriteTo(writer);
                }

                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        if (options.AdditionalProperties is { Count: > 0 } extra)
        {
            writer.WriteStartObject("extra");
            foreach (var (key, value) in extra.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                if (key is OptionKeys.Predictor or OptionKeys.Grammar or OptionKeys.StructuredFields or OptionKeys.InputFields)
                {
                    continue; // which predictor asks does not change the answer; the grammar and the structure follow from the request
                }

                writer.WritePropertyName(key);
                JsonSerializer.Serialize(writer, value, AIJsonUtilities.DefaultOptions.GetTypeInfo(typeof(object)));
            }

            writer.WriteEndObject();
        }

        writer.WriteEndObject();
    }

    private static void WriteNumber(Utf8JsonWriter writer, string name, float? value)
    {
        if (value is { } v)
        {
            writer.WriteNumber(name, v);
        }
    }

    private static void WriteNumber(Utf8JsonWriter writer, string name, int? value)
    {
        if (value is { } v)
        {
            writer.WriteNumber(name, v);
        }
    }
}
