namespace Declarative.Runtime.OpenAI;

/// <summary>
/// Settings of a chat client for OpenAI or an OpenAI-compatible server, made by
/// <see cref="OpenAiModels.CreateChatClient(OpenAiClientOptions)"/> (which validates them once).
/// </summary>
public sealed class OpenAiClientOptions
{
    /// <summary>The model id sent with every request (<c>gpt-4o-mini</c>, <c>qwen2.5-7b-instruct</c>, …). Required.</summary>
    public required string Model { get; init; }

    /// <summary>The API's base address, ending in <c>/v1</c> (default <see langword="null"/>: OpenAI's own).</summary>
    public Uri? Endpoint { get; init; }

    /// <summary>The API key. Required for OpenAI itself; optional for other servers (a placeholder is sent when absent).</summary>
    public string? ApiKey { get; init; }

    /// <summary>The kind of server, which decides how reply formats are enforced (default <see cref="OpenAiServerKind.OpenAI"/>).</summary>
    public OpenAiServerKind ServerKind { get; init; } = OpenAiServerKind.OpenAI;

    /// <summary>How long one HTTP request may take (default 100 seconds).</summary>
    public TimeSpan NetworkTimeout { get; init; } = TimeSpan.FromSeconds(100);

    /// <summary>
    /// Whether JSON schemas go to OpenAI as strict structured outputs, rewritten to the subset strict mode accepts, with
    /// the constraints it cannot take checked after the reply (default <see langword="true"/>; only for <see cref="OpenAiServerKind.OpenAI"/>).
    /// </summary>
    public bool StrictSchemas { get; init; } = true;

    internal void Validate()
    {
        if (string.IsNullOrWhiteSpace(Model))
        {
            throw new ArgumentException("OpenAiClientOptions.Model is empty; give the model id the server serves (for example gpt-4o-mini).", nameof(Model));
        }

        if (Endpoint is { } endpoint && (!endpoint.IsAbsoluteUri || (endpoint.Scheme != Uri.UriSchemeHttp && endpoint.Scheme != Uri.UriSchemeHttps)))
        {
            throw new ArgumentException($"OpenAiClientOptions.Endpoint '{endpoint}' is not an absolute http(s) address; give the API's base, such as http://127.0.0.1:8000/v1.", nameof(Endpoint));
        }

        if (Endpoint is null && string.IsNullOrEmpty(ApiKey))
        {
            throw new ArgumentException("OpenAiClientOptions.ApiKey is required for OpenAI's API; set it (or the OPENAI_API_KEY environment variable for openai: specs).", nameof(ApiKey));
        }

        if (NetworkTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(NetworkTimeout), NetworkTimeout, "OpenAiClientOptions.NetworkTimeout must be positive.");
        }

        if (!Enum.IsDefined(ServerKind))
        {
            throw new ArgumentOutOfRangeException(nameof(ServerKind), ServerKind, "Unknown OpenAiServerKind.");
        }
    }
}
