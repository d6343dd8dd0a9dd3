using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace Declarative.Testing;

/// <summary>Routing, recording, authentication and the faults that need no request body.</summary>
public sealed partial class OpenAiTestServer
{
    private async Task HandleAsync(HttpListenerContext context)
    {
        var response = context.Response;
        try
        {
            var request = context.Request;
            string body;
            using (var reader = new StreamReader(request.InputStream, Encoding.UTF8))
            {
                body = await reader.ReadToEndAsync(stopping.Token).ConfigureAwait(false);
            }

            var path = request.Url!.AbsolutePath.TrimEnd('/');
            var isChat = request.HttpMethod == "POST" && path == "/v1/chat/completions";
            var isEmbeddings = request.HttpMethod == "POST" && path == "/v1/embeddings";
            var authorized = options.ApiKey is null || request.Headers["Authorization"] == "Bearer " + options.ApiKey;
            OpenAiFault fault;
            ErrorReply? error;
            TimeSpan latency;
            lock (gate)
            {
                (fault, error, latency) = authorized && (isChat || isEmbeddings) ? Draw(isChat && !AsksForJsonSchema(body)) : (OpenAiFault.None, null, TimeSpan.Zero);
                if (fault != OpenAiFault.None)
                {
                    faultCounts[fault] = faultCounts.GetValueOrDefault(fault) + 1;
                }

                var headers = request.Headers.AllKeys.Where(k => k is not null)
                    .ToDictionary(k => k!.ToLowerInvariant(), k => request.Headers[k]!);
                requests.Add(new OpenAiRecordedRequest(requests.Count, request.HttpMethod, path, headers, body, fault));
            }

            if (latency > TimeSpan.Zero)
            {
                await Task.Delay(latency, stopping.Token).ConfigureAwait(false);
            }

            if (!authorized)
            {
                await WriteErrorAsync(response, new ErrorReply(401, "Incorrect API key provided. You can find your API key at https://platform.openai.com/account/api-keys.",
                    "invalid_request_error", "invalid_api_key", null)).ConfigureAwait(false);
            }
            else if (error is not null)
            {
                await WriteErrorAsync(response, error).ConfigureAwait(false);
            }
            else if (await WriteFaultAsync(response, fault).ConfigureAwait(false))
            {
                // the fault was the whole response
            }
            else if (isChat)
            {
                await ChatAsync(response, body, fault).ConfigureAwait(false);
            }
            else if (isEmbeddings)
            {
                await EmbeddingsAsync(response, body, fault).ConfigureAwait(false);
            }
            else if (request.HttpMethod == "GET" && path == "/v1/models")
            {
                var data = new JsonArray(options.Models.Select(m => (JsonNode)new JsonObject
                {
                    ["id"] = m, ["object"] = "model", ["created"] = 1700000000, ["owned_by"] = "declarative-testing",
                }).ToArray());
                await WriteJsonAsync(response, 200, new JsonObject { ["object"] = "list", ["data"] = data }, OpenAiFault.None).ConfigureAwait(false);
            }
            else
            {
                await WriteErrorAsync(response, new ErrorReply(404, $"Unknown request URL: {request.HttpMethod} {path}.", "invalid_request_error", "unknown_url", null)).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            response.Abort();
        }
        catch (Exception ex) when (ex is HttpListenerException or IOException or ObjectDisposedException)
        {
            response.Abort(); // the client went away
        }
        catch (Exception ex)
        {
            // The chat client failed (for example a scripted client with no answer left): a 500 that says why.
            try
            {
                await WriteErrorAsync(response, new ErrorReply(500, $"The test server's chat client failed: {ex.Message}", "server_error", null, null)).ConfigureAwait(false);
            }
            catch (Exception inner) when (inner is HttpListenerException or IOException or ObjectDisposedException or InvalidOperationException)
            {
                response.Abort();
            }
        }
    }

    /// <summary>
    /// Whether a chat request asks for structured output (a <c>json_schema</c> response format), which a server that accepts
    /// the format decodes under, so that its reply follows the schema: such a request is never given
    /// <see cref="OpenAiFault.SchemaViolation"/>.
    /// </summary>
    private static bool AsksForJsonSchema(string body)
    {
        try
        {
            var format = JsonNode.Parse(body)?["response_format"];
            return format?["type"]?.GetValue<string>() == "json_schema";
        }
        catch (Exception ex) when (ex is System.Text.Json.JsonException or InvalidOperationException or FormatException)
        {
            return false; // not JSON, or not the shape above: the chat handler answers with its own error
        }
    }

    /// <summary>Writes the faults that do not depend on the request; <see langword="false"/> for the others.</summary>
    private async Task<bool> WriteFaultAsync(HttpListenerResponse response, OpenAiFault fault)
    {
        switch (fault)
        {
            case OpenAiFault.RateLimited:
                response.Headers["Retry-After"] = options.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
                await WriteErrorAsync(response, new ErrorReply(429, "Rate limit reached for requests. Please try again later.", "requests", "rate_limit_exceeded", null)).ConfigureAwait(false);
                return true;
            case OpenAiFault.ServerError:
                await WriteErrorAsync(response, new ErrorReply(500, "The server had an error while processing your request. Sorry about that!", "server_error", null, null)).ConfigureAwait(false);
                return true;
            case OpenAiFault.ServiceUnavailable:
                await WriteErrorAsync(response, new ErrorReply(503, "The engine is currently overloaded, please try again later.", "server_error", "service_unavailable", null)).ConfigureAwait(false);
                return true;
            case OpenAiFault.Hang:
                try
                {
                    await Task.Delay(options.HangTimeout, stopping.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    // the server is stopping
                }

                response.Abort();
                return true;
            case OpenAiFault.InvalidJson:
                await WriteBytesAsync(response, 200, "application/json", "<html><body>502 Bad Gateway</body></html>"u8.ToArray()).ConfigureAwait(false);
                return true;
            default:
                return false;
        }
    }

    private static Task WriteErrorAsync(HttpListenerResponse response, ErrorReply error) =>
        WriteJsonAsync(response, error.Status, new JsonObject
        {
            ["error"] = new JsonObject { ["message"] = error.Message, ["type"] = error.Type, ["param"] = error.Param, ["code"] = error.Code },
        }, OpenAiFault.None);

    /// <summary>Writes a JSON body, cut short for <see cref="OpenAiFault.TruncatedJson"/> or dropped for <see cref="OpenAiFault.ConnectionReset"/>.</summary>
    private static async Task WriteJsonAsync(HttpListenerResponse response, int status, JsonNode body, OpenAiFault fault)
    {
        var bytes = Encoding.UTF8.GetBytes(body.ToJsonString());
        if (fault == OpenAiFault.TruncatedJson)
        {
            bytes = bytes[..(bytes.Length / 2)];
        }
        else if (fault == OpenAiFault.ConnectionReset)
        {
            // HttpListener cannot stop half way through a body it announced, so the connection is dropped before the status line.
            response.Abort();
            return;
        }

        await WriteBytesAsync(response, status, "application/json", bytes).ConfigureAwait(false);
    }

    private static async Task WriteBytesAsync(HttpListenerResponse response, int status, string contentType, byte[] bytes)
    {
        response.StatusCode = status;
        response.ContentType = contentType;
        response.ContentLength64 = bytes.Length;
        await response.OutputStream.WriteAsync(bytes).ConfigureAwait(false);
        response.Close();
    }
}
