using System.ClientModel;
using System.Text.Json;

namespace Declarative.Runtime.OpenAI;

/// <summary>Turns the SDK's <see cref="ClientResultException"/> into an <see cref="OpenAiServerException"/> with the server's own message.</summary>
internal static class OpenAiErrors
{
    public static OpenAiServerException Translate(ClientResultException ex)
    {
        var body = ex.GetRawResponse()?.Content?.ToString() ?? string.Empty;
        string message = body.Length > 0 ? body : ex.Message;
        string? type = null, code = null, param = null;
        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("error", out var error))
            {
                if (error.ValueKind == JsonValueKind.String)
                {
                    message = error.GetString()!;
                }
                else if (error.ValueKind == JsonValueKind.Object)
                {
                    message = Text(error, "message") ?? message;
                    type = Text(error, "type");
                    code = Text(error, "code");
                    param = Text(error, "param");
                }
            }
        }
        catch (JsonException)
        {
            // not OpenAI's error shape: keep the raw body
        }

        var translated = new OpenAiServerException(ex.Status, message, type, code, param, ex);
        if (ex.Status > 0)
        {
            // What the resilience middleware reads to decide on a retry and its wait.
            translated.Data[Declarative.Pipeline.TransientFaults.StatusDataKey] = ex.Status;
            if (ex.GetRawResponse()?.Headers.TryGetValue("Retry-After", out var retryAfter) == true)
            {
                translated.Data[Declarative.Pipeline.TransientFaults.RetryAfterDataKey] = retryAfter;
            }
        }

        return translated;
    }

    private static string? Text(JsonElement error, string name) =>
        error.TryGetProperty(name, out var value) ? value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Number => value.GetRawText(),
            _ => null,
        } : null;
}
