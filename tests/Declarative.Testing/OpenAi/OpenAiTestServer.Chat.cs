using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;

namespace Declarative.Testing;

/// <summary>Chat completions (JSON and server-sent events) and embeddings.</summary>
public sealed partial class OpenAiTestServer
{
    private int completionCounter;

    private async Task ChatAsync(HttpListenerResponse response, string body, OpenAiFault fault)
    {
        if (ParseRequest(body, out var request) is { } invalid)
        {
            await WriteErrorAsync(response, invalid).ConfigureAwait(false);
            return;
        }

        var model = request["model"]!.GetValue<string>();
        var messages = ToMessages(request["messages"]!.AsArray());
        var chatOptions = ToOptions(request, model);
        var id = "chatcmpl-test-" + Interlocked.Increment(ref completionCounter).ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (request["stream"]?.GetValue<bool>() == true)
        {
            await StreamAsync(response, request, messages, chatOptions, id, model, fault).ConfigureAwait(false);
            return;
        }

        var n = request["n"]?.GetValue<int>() ?? 1;
        var choices = new JsonArray();
        var usage = new UsageDetails();
        for (var i = 0; i < n; i++)
        {
            var reply = await ReplyAsync(messages, chatOptions, fault).ConfigureAwait(false);
            usage.Add(Usage(messages, reply));
            choices.Add(new JsonObject
            {
                ["index"] = i,
                ["message"] = new JsonObject { ["role"] = "assistant", ["content"] = reply.Text },
                ["logprobs"] = null,
                ["finish_reason"] = FinishReason(reply.FinishReason),
            });
        }

        await WriteJsonAsync(response, 200, new JsonObject
        {
            ["id"] = id,
            ["object"] = "chat.completion",
            ["created"] = 1700000000 + completionCounter,
            ["model"] = model,
            ["choices"] = choices,
            ["usage"] = UsageJson(usage),
        }, fault).ConfigureAwait(false);
    }

    private async Task StreamAsync(HttpListenerResponse response, JsonObject request, List<ChatMessage> messages, ChatOptions chatOptions, string id, string model, OpenAiFault fault)
    {
        var reply = await ReplyAsync(messages, chatOptions, fault).ConfigureAwait(false);
        var text = reply.Text;
        var chunks = new List<JsonObject> { Chunk(id, model, new JsonObject { ["role"] = "assistant", ["content"] = "" }, null) };
        for (var at = 0; at < text.Length; at += options.StreamChunkCharacters)
        {
            chunks.Add(Chunk(id, model, new JsonObject { ["content"] = text.Substring(at, Math.Min(options.StreamChunkCharacters, text.Length - at)) }, null));
        }

        chunks.Add(Chunk(id, model, new JsonObject(), FinishReason(reply.FinishReason)));
        if (request["stream_options"]?["include_usage"]?.GetValue<bool>() == true)
        {
            var usageChunk = Chunk(id, model, null, null);
            usageChunk["choices"] = new JsonArray();
            usageChunk["usage"] = UsageJson(Usage(messages, reply));
            chunks.Add(usageChunk);
        }

        response.StatusCode = 200;
        response.ContentType = "text/event-stream";
        response.SendChunked = true;
        var stream = response.OutputStream;
        var cut = fault is OpenAiFault.TruncatedJson or OpenAiFault.ConnectionReset ? Math.Max(1, chunks.Count / 2) : chunks.Count;
        for (var i = 0; i < cut; i++)
        {
            if (i > 0 && options.StreamChunkDelay > TimeSpan.Zero)
            {
                await Task.Delay(options.StreamChunkDelay, stopping.Token).ConfigureAwait(false);
            }

            await stream.WriteAsync(Encoding.UTF8.GetBytes("data: " + chunks[i].ToJsonString() + "\n\n"), stopping.Token).ConfigureAwait(false);
            await stream.FlushAsync(stopping.Token).ConfigureAwait(false);
        }

        if (fault == OpenAiFault.ConnectionReset)
        {
            response.Abort();
            return;
        }

        var tail = fault == OpenAiFault.TruncatedJson ? "data: {\"id\":\"" + id + "\",\"object\":\"chat.comp" : "data: [DONE]\n\n";
        await stream.WriteAsync(Encoding.UTF8.GetBytes(tail), stopping.Token).ConfigureAwait(false);
        response.Close();
    }

    private async Task<ChatResponse> ReplyAsync(List<ChatMessage> messages, ChatOptions chatOptions, OpenAiFault fault)
    {
        if (fault != OpenAiFault.None)
        {
            // A faulted request never reaches the chat client (its body is cut short or replaced anyway).
            return new ChatResponse(new ChatMessage(ChatRole.Assistant, options.SchemaViolationContent)) { FinishReason = ChatFinishReason.Stop };
        }

        return await chatClient.GetResponseAsync(messages, chatOptions, stopping.Token).ConfigureAwait(false);
    }

    private async Task EmbeddingsAsync(HttpListenerResponse response, string body, OpenAiFault fault)
    {
        JsonObject? request;
        try
        {
            request = JsonNode.Parse(body) as JsonObject;
        }
        catch (JsonException)
        {
            request = null;
        }

        var input = request?["input"];
        var texts = input is JsonArray array ? array.Select(t => t?.GetValue<string>() ?? string.Empty).ToList()
            : input is JsonValue one && one.TryGetValue<string>(out var single) ? [single] : null;
        if (request is null || texts is null || request["model"] is null)
        {
            await WriteErrorAsync(response, new ErrorReply(400, "The request needs a 'model' and an 'input' (a string or an array of strings).", "invalid_request_error", null, "input")).ConfigureAwait(false);
            return;
        }

        var data = new JsonArray();
        for (var i = 0; i < texts.Count; i++)
        {
            data.Add(new JsonObject { ["object"] = "embedding", ["index"] = i, ["embedding"] = new JsonArray(Vector(texts[i]).Select(v => (JsonNode)v).ToArray()) });
        }

        var tokens = texts.Sum(t => Math.Max(1, t.Length / 4));
        await WriteJsonAsync(response, 200, new JsonObject
        {
            ["object"] = "list",
            ["data"] = data,
            ["model"] = request["model"]!.DeepClone(),
            ["usage"] = new JsonObject { ["prompt_tokens"] = tokens, ["total_tokens"] = tokens },
        }, fault).ConfigureAwait(false);
    }

    /// <summary>A unit vector derived from the text's SHA-256, so equal texts embed equally.</summary>
    private float[] Vector(string text)
    {
        var vector = new float[options.EmbeddingDimensions];
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(text));
        for (var i = 0; i < vector.Length; i++)
        {
            vector[i] = (hash[i % hash.Length] - 127.5f) / 127.5f;
        }

        var norm = MathF.Sqrt(vector.Sum(v => v * v));
        return vector.Select(v => norm == 0 ? 0 : v / norm).ToArray();
    }

    private ErrorReply? ParseRequest(string body, out JsonObject request)
    {
        request = null!;
        try
        {
            request = (JsonNode.Parse(body) as JsonObject)!;
        }
        catch (JsonException)
        {
        }

        if (request is null)
        {
            return new ErrorReply(400, "We could not parse the JSON body of your request. The OpenAI API expects a JSON payload.", "invalid_request_error", null, null);
        }

        if (request["model"] is not JsonValue modelValue || !modelValue.TryGetValue<string>(out var model))
        {
            return new ErrorReply(400, "you must provide a model parameter", "invalid_request_error", null, "model");
        }

        if (!options.AcceptAnyModel && !options.Models.Contains(model))
        {
            return new ErrorReply(404, $"The model `{model}` does not exist or you do not have access to it.", "invalid_request_error", "model_not_found", null);
        }

        return request["messages"] is JsonArray { Count: > 0 }
            ? null
            : new ErrorReply(400, "'messages' must be a non-empty array.", "invalid_request_error", null, "messages");
    }

    private static JsonObject Chunk(string id, string model, JsonObject? delta, string? finishReason)
    {
        var chunk = new JsonObject { ["id"] = id, ["object"] = "chat.completion.chunk", ["created"] = 1700000000, ["model"] = model };
        if (delta is not null)
        {
            chunk["choices"] = new JsonArray(new JsonObject { ["index"] = 0, ["delta"] = delta, ["logprobs"] = null, ["finish_reason"] = finishReason });
        }

        return chunk;
    }

    private static UsageDetails Usage(List<ChatMessage> messages, ChatResponse reply)
    {
        if (reply.Usage is { InputTokenCount: not null, OutputTokenCount: not null } usage)
        {
            return usage;
        }

        var input = Math.Max(1, messages.Sum(m => m.Text.Length) / 4);
        var output = Math.Max(1, reply.Text.Length / 4);
        return new UsageDetails { InputTokenCount = input, OutputTokenCount = output, TotalTokenCount = input + output };
    }

    private static JsonObject UsageJson(UsageDetails usage) => new()
    {
        ["prompt_tokens"] = usage.InputTokenCount ?? 0,
        ["completion_tokens"] = usage.OutputTokenCount ?? 0,
        ["total_tokens"] = usage.TotalTokenCount ?? ((usage.InputTokenCount ?? 0) + (usage.OutputTokenCount ?? 0)),
    };

    private static string FinishReason(ChatFinishReason? reason) =>
        reason == ChatFinishReason.Length ? "length"
        : reason == ChatFinishReason.ToolCalls ? "tool_calls"
        : reason == ChatFinishReason.ContentFilter ? "content_filter"
        : "stop";
}
