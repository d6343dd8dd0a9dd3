namespace Declarative.Testing;

/// <summary>A fault an <see cref="OpenAiTestServer"/> can inject into a response.</summary>
public enum OpenAiFault
{
    /// <summary>No fault: the request is answered normally.</summary>
    None,

    /// <summary>HTTP 429 with a <c>Retry-After</c> header (seconds) and a <c>rate_limit_exceeded</c> error body.</summary>
    RateLimited,

    /// <summary>HTTP 500 with a <c>server_error</c> error body.</summary>
    ServerError,

    /// <summary>HTTP 503 with a <c>service_unavailable</c> error body.</summary>
    ServiceUnavailable,

    /// <summary>The connection is closed after part of the response was sent.</summary>
    ConnectionReset,

    /// <summary>The server never answers (until the client gives up, or <see cref="OpenAiTestServerOptions.HangTimeout"/>).</summary>
    Hang,

    /// <summary>HTTP 200 whose JSON body (or event stream) stops half way.</summary>
    TruncatedJson,

    /// <summary>HTTP 200 whose body is not JSON at all.</summary>
    InvalidJson,

    /// <summary>
    /// A well-formed completion whose content does not follow the requested format (<see cref="OpenAiTestServerOptions.SchemaViolationContent"/>).
    /// Never drawn for a request with a <c>json_schema</c> response format, which a server decodes under.
    /// </summary>
    SchemaViolation,
}
