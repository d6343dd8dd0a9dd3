using System.Net;

namespace Declarative.Runtime.LLama;

/// <summary>
/// A model file could not be obtained or did not match its pinned SHA-256. The message says what to do; a failed
/// download never leaves a file at the cached name.
/// </summary>
public sealed class ModelDownloadException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="uri">The file's URL (a <c>file:</c> URI for a local file).</param>
    /// <param name="message">What went wrong and what to do.</param>
    /// <param name="statusCode">The HTTP status the server answered, if that was the failure.</param>
    /// <param name="innerException">The cause, if any.</param>
    public ModelDownloadException(Uri uri, string message, HttpStatusCode? statusCode = null, Exception? innerException = null)
        : base(message, innerException)
    {
        Uri = uri ?? throw new ArgumentNullException(nameof(uri));
        StatusCode = statusCode;
    }

    /// <summary>The file's URL (a <c>file:</c> URI for a local file).</summary>
    public Uri Uri { get; }

    /// <summary>The HTTP status the server answered, or <see langword="null"/> when the failure was not an HTTP status.</summary>
    public HttpStatusCode? StatusCode { get; }
}
