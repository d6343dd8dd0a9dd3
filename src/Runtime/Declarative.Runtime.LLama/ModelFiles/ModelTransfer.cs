using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;

namespace Declarative.Runtime.LLama;

/// <summary>
/// One download into <c>&lt;file&gt;.partial</c>: resumes what is on disk with <c>Range</c> and <c>If-Range</c>,
/// starts over when the server sends the whole file, retries dropped connections and server errors, and hashes the
/// bytes as they are written. The caller holds the file's lock.
/// </summary>
internal sealed partial class ModelTransfer(HttpClient client, Uri uri, string partialPath, ModelDownloadOptions options, ProgressThrottle progress)
{
    private const int BufferSize = 256 * 1024;
    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(30);

    private readonly string metaPath = partialPath + ".meta";
    private IncrementalHash hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private PartialDownloadMeta? meta;
    private long? totalBytes;
    private long receivedThisAttempt;

    private enum Outcome
    {
        Complete,
        Retry,
        StartOver,
    }

    /// <summary>The file's meta record, next to the partial file.</summary>
    public string MetaPath => metaPath;

    /// <summary>Downloads the rest of the file and returns its SHA-256 (lower-case hex); the partial file is then complete and flushed.</summary>
    public async Task<string> RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await RunCoreAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            hash.Dispose();
        }
    }

    private async Task<string> RunCoreAsync(CancellationToken cancellationToken)
    {
        meta = PartialDownloadMeta.TryRead(metaPath);
        if (meta is not null && meta.Url != uri.AbsoluteUri)
        {
            meta = null;
        }

        var file = new FileStream(partialPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, bufferSize: 0, FileOptions.Asynchronous);
        await using (file.ConfigureAwait(false))
        {
            if (meta is null)
            {
                file.SetLength(0); // bytes of an unknown version cannot be resumed
            }

            await HashPrefixAsync(file, cancellationToken).ConfigureAwait(false);
            totalBytes = meta?.Length;
            var failures = 0;
            var delay = options.RetryDelay;
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                receivedThisAttempt = 0;
                Outcome outcome;
                Exception? error = null;
                HttpStatusCode? status = null;
                try
                {
                    (outcome, status) = await AttemptAsync(file, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception e) when (IsTransient(e, cancellationToken))
                {
                    (outcome, error) = (Outcome.Retry, e);
                }

                if (outcome == Outcome.Complete)
                {
                    break;
                }

                if (outcome == Outcome.StartOver)
                {
                    StartOver(file);
                    continue;
                }

                if (receivedThisAttempt > 0)
                {
                    (failures, delay) = (0, options.RetryDelay);
                }

                if (++failures >= options.MaxAttempts)
                {
                    var reason = error?.Message ?? $"HTTP {(int?)status} {status}";
                    throw new ModelDownloadException(uri,
                        $"Downloading {uri} failed {failures} time(s) in a row ({reason}). The {file.Length} bytes received are kept in '{partialPath}' " +
                        "and the next attempt resumes from them; check the network or try again later.", status, error);
                }

                await Task.Delay(delay, options.TimeProvider, cancellationToken).ConfigureAwait(false);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxRetryDelay.Ticks));
            }

            await file.FlushAsync(cancellationToken).ConfigureAwait(false);
            file.Flush(flushToDisk: true);
            progress.Complete(file.Length);
            return Convert.ToHexStringLower(hash.GetHashAndReset());
        }
    }

    private async Task<(Outcome Outcome, HttpStatusCode? Status)> AttemptAsync(FileStream file, CancellationToken cancellationToken)
    {
        var existing = file.Length;
        using var request = CreateRequest(existing);
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        var status = response.StatusCode;
        var range = response.Content.Headers.ContentRange;
        switch (status)
        {
            case HttpStatusCode.PartialContent when existing > 0:
                if (range?.From != existing || (range.Length is { } length && meta?.Length is { } known && length != known))
                {
                    return (Outcome.StartOver, status); // not the rest of the version on disk
                }

                totalBytes = range.Length ?? meta?.Length;
                break;
            case HttpStatusCode.OK:
            case HttpStatusCode.PartialContent when range?.From is null or 0:
                if (existing > 0)
                {
                    StartOver(file); // the server sends the whole file: the version changed, or it ignores Range
                }

                totalBytes = status == HttpStatusCode.OK ? response.Content.Headers.ContentLength : range?.Length;
                var etag = response.Headers.ETag is { IsWeak: false } strong ? strong.Tag : null;
                meta = new PartialDownloadMeta(uri.AbsoluteUri, etag, response.Content.Headers.LastModified, totalBytes);
                meta.Write(metaPath);
                break;
            case HttpStatusCode.RequestedRangeNotSatisfiable when existing > 0:
                return range?.Length == existing && meta?.Length == existing ? (Outcome.Complete, status) : (Outcome.StartOver, status);
            case < HttpStatusCode.BadRequest:
                throw new ModelDownloadException(uri,
                    $"{uri} answered HTTP {(int)status} {status} instead of the file; if that is a redirect, use an HttpClient that follows redirects.", status);
            case < HttpStatusCode.InternalServerError when status is not HttpStatusCode.RequestTimeout and not HttpStatusCode.TooManyRequests:
                throw new ModelDownloadException(uri, DescribeClientError(status, request.Headers.Authorization is not null), status);
            default:
                return (Outcome.Retry, status);
        }

        await CopyBodyAsync(response, file, cancellationToken).ConfigureAwait(false);
        if (totalBytes is not { } total || file.Length == total)
        {
            return (Outcome.Complete, status);
        }

        return file.Length > total ? (Outcome.StartOver, status) : throw new InterruptedTransferException(
            $"the connection closed after {file.Length} of {total} bytes");
    }

    private HttpRequestMessage CreateRequest(long existing)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, uri);
        if (client.DefaultRequestHeaders.UserAgent.Count == 0)
        {
            request.Headers.UserAgent.Add(new ProductInfoHeaderValue("Declarative.Runtime.LLama", "1.0"));
        }

        if (!string.IsNullOrEmpty(options.HuggingFaceToken) && IsHuggingFace(uri))
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", options.HuggingFaceToken);
        }

        if (existing > 0)
        {
            request.Headers.Range = new RangeHeaderValue(existing, null);
            if (meta?.ETag is { } etag)
            {
                request.Headers.IfRange = new RangeConditionHeaderValue(etag);
            }
            else if (meta?.LastModified is { } modified)
            {
                request.Headers.IfRange = new RangeConditionHeaderValue(modified);
            }
        }

        return request;
    }

    private void StartOver(FileStream file)
    {
        file.SetLength(0);
        file.Position = 0;
        hash.Dispose();
        hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        meta = null;
        totalBytes = null;
        File.Delete(metaPath);
    }
}
