namespace Declarative.Runtime.OpenAI;

/// <summary>
/// An OpenAI-style server refused a request (an HTTP error with OpenAI's <c>{"error": {…}}</c> body): carries the
/// status, the server's own message and its error type and code, and a message that says what to fix.
/// </summary>
public sealed class OpenAiServerException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="statusCode">The HTTP status.</param>
    /// <param name="serverMessage">The server's <c>error.message</c> (or its raw body when it sent no OpenAI error).</param>
    /// <param name="errorType">The server's <c>error.type</c>, if any.</param>
    /// <param name="errorCode">The server's <c>error.code</c>, if any.</param>
    /// <param name="param">The server's <c>error.param</c>, if any.</param>
    /// <param name="innerException">The SDK's exception.</param>
    public OpenAiServerException(int statusCode, string serverMessage, string? errorType = null, string? errorCode = null, string? param = null, Exception? innerException = null)
        : base(Describe(statusCode, serverMessage), innerException)
    {
        StatusCode = statusCode;
        ServerMessage = serverMessage;
        ErrorType = errorType;
        ErrorCode = errorCode;
        Param = param;
    }

    /// <summary>The HTTP status (400, 401, 404, 429, 500, …).</summary>
    public int StatusCode { get; }

    /// <summary>The server's own message.</summary>
    public string ServerMessage { get; }

    /// <summary>The server's error type (<c>invalid_request_error</c>, …), if it sent one.</summary>
    public string? ErrorType { get; }

    /// <summary>The server's error code (<c>invalid_api_key</c>, <c>model_not_found</c>, …), if it sent one.</summary>
    public string? ErrorCode { get; }

    /// <summary>The request parameter the error is about, if the server named one.</summary>
    public string? Param { get; }

    /// <summary>Whether trying again later may succeed (429 and 5xx).</summary>
    public bool IsTransient => StatusCode is 408 or 429 or >= 500;

    private static string Describe(int status, string message) => status switch
    {
        401 or 403 => $"The server refused the API key ({status}): {message} Check OPENAI_API_KEY (openai: specs) or the key given in OpenAiClientOptions.ApiKey.",
        404 => $"The server found no such model or endpoint (404): {message} Check the model id and that the base address ends in /v1.",
        429 => $"The server is rate limiting (429): {message} Retry later (the resilience middleware does) or lower the concurrency.",
        >= 500 => $"The server failed ({status}): {message} This is usually transient; the resilience middleware retries it.",
        _ => $"The server rejected the request ({status}): {message}",
    };
}
