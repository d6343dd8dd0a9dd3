namespace Declarative.Testing;

/// <summary>The faults a <see cref="FaultyChatClient"/> injects.</summary>
public enum FaultKind
{
    /// <summary><see cref="HttpRequestException"/> with status 429 and a <c>Retry-After</c> in its <c>Data</c>.</summary>
    TooManyRequests,

    /// <summary><see cref="HttpRequestException"/> with status 500.</summary>
    ServerError,

    /// <summary><see cref="HttpRequestException"/> with status 503.</summary>
    ServiceUnavailable,

    /// <summary><see cref="IOException"/> wrapping a connection-reset <see cref="System.Net.Sockets.SocketException"/>.</summary>
    ConnectionReset,

    /// <summary>Never answers until the call is cancelled.</summary>
    Hang,

    /// <summary><see cref="HttpRequestException"/> with status 400 (not transient).</summary>
    BadRequest,
}
