using System.ClientModel;
using System.ClientModel.Primitives;
using Microsoft.Extensions.AI;
using OpenAI;
using OpenAI.Chat;

namespace Declarative.Runtime.OpenAI;

/// <summary>
/// Chat clients for OpenAI and OpenAI-compatible servers (vLLM, llama-server, LM Studio, Ollama), built on the official
/// OpenAI SDK and wrapped so that Declarative's reply formats are enforced as far as the server can (see the README's
/// capability table). The SDK's own retries are off: put the resilience middleware in the pipeline instead.
/// </summary>
public static class OpenAiModels
{
    /// <summary>The environment variable <c>openai:</c> specs read the API key from.</summary>
    public const string ApiKeyVariable = "OPENAI_API_KEY";

    /// <summary>The environment variable <c>openai-compatible:</c> specs read an (optional) API key from.</summary>
    public const string CompatibleApiKeyVariable = "OPENAI_COMPATIBLE_API_KEY";

    /// <summary>Creates a chat client.</summary>
    /// <param name="options">The model, endpoint, key and server kind; validated here.</param>
    /// <returns>The client (dispose it when done).</returns>
    /// <exception cref="ArgumentException">The options are incomplete or inconsistent; the message says which setting to fix.</exception>
    public static IChatClient CreateChatClient(OpenAiClientOptions options)
    {
        var (credential, clientOptions) = Connection(options);
        var chat = new ChatClient(options.Model, credential, clientOptions);
        return new ServerCapabilityChatClient(chat.AsIChatClient(), options.ServerKind, options.StrictSchemas);
    }

    /// <summary>
    /// Creates an embedding generator on the server's <c>/v1/embeddings</c> (OpenAI's embedding models, or what an
    /// OpenAI-compatible server serves), with the SDK's own retries off and server errors as
    /// <see cref="OpenAiServerException"/>, as for chat.
    /// </summary>
    /// <param name="options">The embedding model, endpoint and key; validated here.</param>
    /// <returns>The generator (dispose it when done).</returns>
    /// <exception cref="ArgumentException">The options are incomplete or inconsistent.</exception>
    public static IEmbeddingGenerator<string, Embedding<float>> CreateEmbeddingGenerator(OpenAiClientOptions options)
    {
        var (credential, clientOptions) = Connection(options);
        var embeddings = new global::OpenAI.Embeddings.EmbeddingClient(options.Model, credential, clientOptions);
        return new ServerErrorEmbeddingGenerator(embeddings.AsIEmbeddingGenerator());
    }

    private static (ApiKeyCredential Credential, OpenAIClientOptions Options) Connection(OpenAiClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var clientOptions = new OpenAIClientOptions
        {
            RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
            NetworkTimeout = options.NetworkTimeout,
        };
        if (options.Endpoint is { } endpoint)
        {
            clientOptions.Endpoint = endpoint;
        }

        // A server without authentication still needs a credential object; it gets a placeholder it ignores.
        return (new ApiKeyCredential(string.IsNullOrEmpty(options.ApiKey) ? "no-key" : options.ApiKey), clientOptions);
    }

    /// <summary>Creates a chat client from a model spec (see <see cref="ParseSpec"/>).</summary>
    /// <param name="spec"><c>openai:MODEL</c> or <c>openai-compatible:BASE_URL#MODEL</c>.</param>
    /// <param name="serverKind">The server kind (default: OpenAI for <c>openai:</c>, Generic for <c>openai-compatible:</c>).</param>
    /// <returns>The client.</returns>
    /// <exception cref="FormatException">The spec is malformed.</exception>
    /// <exception cref="InvalidOperationException"><c>openai:</c> and <c>OPENAI_API_KEY</c> is not set.</exception>
    public static IChatClient CreateChatClient(string spec, OpenAiServerKind? serverKind = null) =>
        CreateChatClient(ParseSpec(spec, serverKind));

    /// <summary>Whether <paramref name="spec"/> is one of this backend's (<c>openai:</c> or <c>openai-compatible:</c>).</summary>
    /// <param name="spec">A model spec.</param>
    /// <returns>Whether this backend handles it.</returns>
    public static bool IsSpec(string spec) =>
        spec is not null && (spec.StartsWith("openai:", StringComparison.Ordinal) || spec.StartsWith("openai-compatible:", StringComparison.Ordinal));

    /// <summary>
    /// Reads a model spec: <c>openai:MODEL</c> (OpenAI's API; the key from <c>OPENAI_API_KEY</c>) or
    /// <c>openai-compatible:BASE_URL#MODEL</c> (any OpenAI-style server, such as <c>http://127.0.0.1:8000/v1#qwen2.5</c>;
    /// the key, optional, from <c>OPENAI_COMPATIBLE_API_KEY</c>).
    /// </summary>
    /// <param name="spec">The spec.</param>
    /// <param name="serverKind">The server kind (default: OpenAI for <c>openai:</c>, Generic for <c>openai-compatible:</c>).</param>
    /// <param name="environment">Reads environment variables (default <see cref="Environment.GetEnvironmentVariable(string)"/>).</param>
    /// <returns>The options, not yet validated.</returns>
    /// <exception cref="FormatException">The spec is malformed.</exception>
    /// <exception cref="InvalidOperationException"><c>openai:</c> and <c>OPENAI_API_KEY</c> is not set.</exception>
    public static OpenAiClientOptions ParseSpec(string spec, OpenAiServerKind? serverKind = null, Func<string, string?>? environment = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        environment ??= Environment.GetEnvironmentVariable;
        if (spec.StartsWith("openai:", StringComparison.Ordinal))
        {
            var model = spec["openai:".Length..];
            if (model.Length == 0)
            {
                throw new FormatException($"'{spec}' names no model; write openai:MODEL, for example openai:gpt-4o-mini.");
            }

            var key = environment(ApiKeyVariable);
            if (string.IsNullOrEmpty(key))
            {
                throw new InvalidOperationException(
                    $"{spec} needs an API key: set the {ApiKeyVariable} environment variable (or use openai-compatible:URL#MODEL for a server without one).");
            }

            return new OpenAiClientOptions { Model = model, ApiKey = key, ServerKind = serverKind ?? OpenAiServerKind.OpenAI };
        }

        if (spec.StartsWith("openai-compatible:", StringComparison.Ordinal))
        {
            var rest = spec["openai-compatible:".Length..];
            var hash = rest.IndexOf('#', StringComparison.Ordinal);
            if (hash <= 0 || hash == rest.Length - 1)
            {
                throw new FormatException($"'{spec}' needs a base address and a model: write openai-compatible:BASE_URL#MODEL, for example openai-compatible:http://127.0.0.1:8000/v1#qwen2.5-7b-instruct.");
            }

            if (!Uri.TryCreate(rest[..hash], UriKind.Absolute, out var endpoint) || (endpoint.Scheme != Uri.UriSchemeHttp && endpoint.Scheme != Uri.UriSchemeHttps))
            {
                throw new FormatException($"'{rest[..hash]}' in '{spec}' is not an http(s) address; give the server's API base, such as http://127.0.0.1:8000/v1.");
            }

            return new OpenAiClientOptions
            {
                Model = rest[(hash + 1)..],
                Endpoint = endpoint,
                ApiKey = environment(CompatibleApiKeyVariable),
                ServerKind = serverKind ?? OpenAiServerKind.Generic,
            };
        }

        throw new FormatException($"'{spec}' is not an OpenAI spec; write openai:MODEL or openai-compatible:BASE_URL#MODEL.");
    }
}
