namespace Declarative.Runtime.LLama;

/// <summary>
/// Options of <see cref="ModelDownloader"/>, validated once when the downloader is created. The properties are init-only, so a
/// downloader's options never change after it is built.
/// </summary>
public sealed class ModelDownloadOptions
{
    /// <summary>The environment variable that overrides the default <see cref="CacheDirectory"/>.</summary>
    public const string CacheDirectoryVariable = "DECLARATIVE_MODEL_CACHE";

    /// <summary>The environment variable whose token is sent to huggingface.co by default (see <see cref="HuggingFaceToken"/>).</summary>
    public const string HuggingFaceTokenVariable = "HF_TOKEN";

    /// <summary>
    /// The folder that downloaded files are kept in, as <c>&lt;host&gt;/&lt;URL path&gt;</c>. Defaults to
    /// <see cref="DefaultCacheDirectory"/>.
    /// </summary>
    public string CacheDirectory { get; init; } = DefaultCacheDirectory;

    /// <summary>
    /// The client that downloads; <see langword="null"/> (the default) for one shared by all downloaders. The downloader
    /// does not dispose it. Its <see cref="HttpClient.Timeout"/> limits the wait for response headers only; a body that
    /// stops flowing is cut off by <see cref="StallTimeout"/>.
    /// </summary>
    public HttpClient? HttpClient { get; init; }

    /// <summary>
    /// How many attempts in a row may fail without receiving a byte before the download gives up (default 5). A
    /// dropped connection resumes from the bytes already on disk, and an attempt that received bytes starts the count
    /// again. Client errors (4xx) are never retried.
    /// </summary>
    public int MaxAttempts { get; init; } = 5;

    /// <summary>The wait before the first retry (default 1 s); it doubles after each failed attempt, up to 30 s.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How long the body may go without a byte before the connection counts as dropped (default 60 s).</summary>
    public TimeSpan StallTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// The token sent as <c>Authorization: Bearer</c> to huggingface.co (gated and private repositories). Defaults to
    /// the <c>HF_TOKEN</c> environment variable; <see langword="null"/> or empty sends none.
    /// </summary>
    public string? HuggingFaceToken { get; init; } = Environment.GetEnvironmentVariable(HuggingFaceTokenVariable);

    /// <summary>
    /// The clock of retry delays, stall timeouts and progress throttling (default <see cref="TimeProvider.System"/>). A download
    /// waiting for another one to release the file polls its lock every <see cref="RetryDelay"/>, within 10–100 ms.
    /// </summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>
    /// The default cache folder: the <c>DECLARATIVE_MODEL_CACHE</c> environment variable when set, otherwise
    /// <c>%LOCALAPPDATA%\declarative\models</c> on Windows and <c>~/.cache/declarative/models</c> elsewhere.
    /// </summary>
    public static string DefaultCacheDirectory
    {
        get
        {
            var fromEnvironment = Environment.GetEnvironmentVariable(CacheDirectoryVariable);
            if (!string.IsNullOrWhiteSpace(fromEnvironment))
            {
                return fromEnvironment;
            }

            return OperatingSystem.IsWindows()
                ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData), "declarative", "models")
                : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "declarative", "models");
        }
    }

    /// <summary>Throws when a value is out of range; called once by <see cref="ModelDownloader"/>.</summary>
    internal void Validate()
    {
        if (string.IsNullOrWhiteSpace(CacheDirectory))
        {
            throw new ArgumentException($"{nameof(CacheDirectory)} is empty; leave it unset for the default or name a writable folder.", nameof(CacheDirectory));
        }

        if (MaxAttempts < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxAttempts), MaxAttempts, $"{nameof(MaxAttempts)} must be at least 1.");
        }

        if (RetryDelay < TimeSpan.Zero || RetryDelay > TimeSpan.FromMinutes(10))
        {
            throw new ArgumentOutOfRangeException(nameof(RetryDelay), RetryDelay, $"{nameof(RetryDelay)} must be between 0 and 10 minutes.");
        }

        if (StallTimeout <= TimeSpan.Zero && StallTimeout != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(nameof(StallTimeout), StallTimeout, $"{nameof(StallTimeout)} must be positive, or Timeout.InfiniteTimeSpan for none.");
        }

        if (TimeProvider is null)
        {
            throw new ArgumentNullException(nameof(TimeProvider), $"{nameof(TimeProvider)} may not be null; leave it unset for the system clock.");
        }
    }
}
