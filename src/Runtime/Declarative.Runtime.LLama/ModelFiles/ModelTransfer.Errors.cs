using System.Net;

namespace Declarative.Runtime.LLama;

internal sealed partial class ModelTransfer
{
    private string DescribeClientError(HttpStatusCode status, bool sentToken)
    {
        var code = $"HTTP {(int)status}";
        return status switch
        {
            HttpStatusCode.NotFound =>
                $"{uri} was not found ({code}). Check the spec: for 'hf:owner/repo@revision/path/file.gguf' the owner, repository, " +
                "revision (default 'main') and the file's path in the repository; for a URL, the URL itself.",
            HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden when IsHuggingFace(uri) => sentToken
                ? $"huggingface.co refused {uri} ({code}) with the token given. The repository may be gated: accept its terms on its page, " +
                  $"and check that the token in {ModelDownloadOptions.HuggingFaceTokenVariable} is valid and has read access."
                : $"huggingface.co refused {uri} ({code}): the repository is gated or private. Accept its terms on its page, create an access " +
                  $"token and set the {ModelDownloadOptions.HuggingFaceTokenVariable} environment variable to it (or {nameof(ModelDownloadOptions)}.{nameof(ModelDownloadOptions.HuggingFaceToken)}).",
            HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden =>
                $"{uri} refused access ({code}). Download the file with the credentials it needs and name it as 'llama:PATH.gguf', " +
                $"or pass an {nameof(HttpClient)} that authenticates in {nameof(ModelDownloadOptions)}.{nameof(ModelDownloadOptions.HttpClient)}.",
            _ => $"{uri} rejected the request ({code} {status}); it is not retried. Check the URL.",
        };
    }

    private static bool IsTransient(Exception e, CancellationToken cancellationToken) => e switch
    {
        InterruptedTransferException or HttpRequestException => true,
        OperationCanceledException => !cancellationToken.IsCancellationRequested, // HttpClient.Timeout while waiting for headers
        _ => false,
    };

    private static bool IsHuggingFace(Uri uri) =>
        uri.IdnHost.Equals("huggingface.co", StringComparison.OrdinalIgnoreCase)
        || uri.IdnHost.EndsWith(".huggingface.co", StringComparison.OrdinalIgnoreCase);

    /// <summary>The body stopped before the end (a dropped connection or a stall): the attempt is retried from the bytes on disk.</summary>
    private sealed class InterruptedTransferException : Exception
    {
        public InterruptedTransferException(string message, Exception? innerException = null)
            : base(message, innerException)
        {
        }
    }
}
