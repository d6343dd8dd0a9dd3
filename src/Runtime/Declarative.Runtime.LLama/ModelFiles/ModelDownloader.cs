using System.Net;

namespace Declarative.Runtime.LLama;

/// <summary>
/// Makes a <see cref="ModelSource"/> available as a local file: checks a local file, or downloads a URL into the cache
/// (resuming interrupted downloads, verifying the pinned SHA-256) and returns the cached copy without any request once
/// it is there. Safe to use from several threads and processes at once: downloads of the same file take turns.
/// </summary>
public sealed class ModelDownloader
{
    private static readonly TimeSpan MinLockPoll = TimeSpan.FromMilliseconds(10);
    private static readonly TimeSpan MaxLockPoll = TimeSpan.FromMilliseconds(100);

    private static readonly Lazy<HttpClient> SharedClient = new(() => new HttpClient(new SocketsHttpHandler
    {
        AutomaticDecompression = DecompressionMethods.None,
        ConnectTimeout = TimeSpan.FromSeconds(30),
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
    })
    {
        Timeout = TimeSpan.FromMinutes(2),
    });

    private readonly ModelDownloadOptions options;
    private readonly string cacheDirectory;

    /// <summary>Creates a downloader.</summary>
    /// <param name="options">The options; <see langword="null"/> for the defaults.</param>
    /// <exception cref="ArgumentException">An option is out of range; the message names it.</exception>
    public ModelDownloader(ModelDownloadOptions? options = null)
    {
        this.options = options ?? new ModelDownloadOptions();
        this.options.Validate();
        cacheDirectory = Path.GetFullPath(this.options.CacheDirectory);
    }

    /// <summary>The full path of the cache folder.</summary>
    public string CacheDirectory => cacheDirectory;

    /// <summary>The path a URL's file has in the cache (whether or not it is there yet).</summary>
    /// <param name="source">A <see cref="ModelSourceKind.Url"/> source.</param>
    /// <returns>The path.</returns>
    /// <exception cref="ArgumentException">The source is local.</exception>
    public string GetCachePath(ModelSource source)
    {
        ArgumentNullException.ThrowIfNull(source);
        return source.Uri is { } uri
            ? ModelCache.PathFor(cacheDirectory, uri)
            : throw new ArgumentException($"'{source}' is a local file; it has no place in the cache.", nameof(source));
    }

    /// <summary>
    /// Returns the path of the source's file on this machine, downloading it first when it is a URL that is not in the
    /// cache (or whose cached copy does not match the pinned SHA-256).
    /// </summary>
    /// <param name="source">The model file.</param>
    /// <param name="progress">Receives the download's progress; <see langword="null"/> for none.</param>
    /// <param name="cancellationToken">Cancels the wait or the download; the bytes received are kept for the next call to resume.</param>
    /// <returns>The full path of the verified file.</returns>
    /// <exception cref="FileNotFoundException">A local file does not exist.</exception>
    /// <exception cref="ModelDownloadException">The server refused the file, the download failed <see cref="ModelDownloadOptions.MaxAttempts"/> times in a row, or the file does not match its pinned SHA-256.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    public async Task<string> EnsureAsync(ModelSource source, IProgress<ModelDownloadProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        cancellationToken.ThrowIfCancellationRequested();
        return source.Uri is { } uri
            ? await EnsureDownloadedAsync(source, uri, new ProgressThrottle(progress, options.TimeProvider), cancellationToken).ConfigureAwait(false)
            : await EnsureLocalAsync(source, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<string> EnsureLocalAsync(ModelSource source, CancellationToken cancellationToken)
    {
        var path = source.LocalPath!;
        if (!File.Exists(path))
        {
            throw new FileNotFoundException(
                $"The model file '{path}' does not exist. Check the path in '{source.Spec}', or name a file to download ('https://…/x.gguf' or 'hf:owner/repo/x.gguf').", path);
        }

        if (source.ExpectedSha256 is { } expected)
        {
            var actual = await ModelCache.ComputeSha256Async(path, cancellationToken).ConfigureAwait(false);
            if (actual != expected)
            {
                throw new ModelDownloadException(new Uri(path),
                    $"The SHA-256 of '{path}' is {actual}, but the spec pins {expected}: the file is not the one the spec names. Replace the file, or correct the '#sha256=' of the spec.");
            }
        }

        return path;
    }

    private async Task<string> EnsureDownloadedAsync(ModelSource source, Uri uri, ProgressThrottle progress, CancellationToken cancellationToken)
    {
        var path = ModelCache.PathFor(cacheDirectory, uri);
        if (await IsCachedAsync(path, source.ExpectedSha256, progress, cancellationToken).ConfigureAwait(false))
        {
            return path;
        }

        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var poll = TimeSpan.FromTicks(Math.Clamp(options.RetryDelay.Ticks, MinLockPoll.Ticks, MaxLockPoll.Ticks));
        using (await ModelFileLock.AcquireAsync(path + ".lock", poll, options.TimeProvider, cancellationToken).ConfigureAwait(false))
        {
            // Another download may have finished while this one waited.
            if (await IsCachedAsync(path, source.ExpectedSha256, progress, cancellationToken).ConfigureAwait(false))
            {
                return path;
            }

            DeleteIfExists(path); // a cached copy that does not match the pin
            DeleteIfExists(ModelCache.SidecarPath(path));
            var partial = path + ".partial";
            var transfer = new ModelTransfer(options.HttpClient ?? SharedClient.Value, uri, partial, options, progress);
            var actual = await transfer.RunAsync(cancellationToken).ConfigureAwait(false);
            if (source.ExpectedSha256 is { } expected && actual != expected)
            {
                DeleteIfExists(partial);
                DeleteIfExists(transfer.MetaPath);
                throw new ModelDownloadException(uri,
                    $"The file downloaded from {uri} has SHA-256 {actual}, but the spec pins {expected}. The server's file is not the pinned one: " +
                    "check the revision or URL in the spec, or correct its '#sha256='. The download was deleted.");
            }

            File.Move(partial, path, overwrite: true);
            ModelCache.WriteVerifiedHash(path, actual);
            DeleteIfExists(transfer.MetaPath);
            return path;
        }
    }

    private static async Task<bool> IsCachedAsync(string path, string? expectedSha256, ProgressThrottle progress, CancellationToken cancellationToken)
    {
        var info = new FileInfo(path);
        if (!info.Exists)
        {
            return false;
        }

        if (expectedSha256 is not null && await ModelCache.GetVerifiedHashAsync(path, cancellationToken).ConfigureAwait(false) != expectedSha256)
        {
            return false;
        }

        progress.Complete(info.Length);
        return true;
    }

    private static void DeleteIfExists(string path)
    {
        if (File.Exists(path))
        {
            File.Delete(path);
        }
    }
}
