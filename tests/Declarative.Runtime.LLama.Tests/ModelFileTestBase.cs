using System.Net;
using System.Security.Cryptography;

namespace Declarative.Runtime.LLama.Tests;

/// <summary>A temporary cache and a loopback server holding a few MB of pseudo-random bytes, for the download tests.</summary>
public abstract class ModelFileTestBase : IAsyncLifetime
{
    protected const int Size = 3 * 1024 * 1024 + 12345;

    protected string Cache { get; } = Directory.CreateTempSubdirectory("declarative-models-").FullName;
    protected byte[] Content { get; } = Bytes(Size, seed: 1);
    private protected LoopbackFileServer Server { get; private set; } = null!;

    protected string Sha256 => Convert.ToHexStringLower(SHA256.HashData(Content));

    public Task InitializeAsync()
    {
        Server = new LoopbackFileServer(Content);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        Directory.Delete(Cache, recursive: true);
    }

    protected ModelSource Pinned() => ModelSource.Parse($"{Server.Url()}#sha256={Sha256}");

    protected ModelDownloader Downloader(int maxAttempts = 5, TimeSpan? stallTimeout = null, TimeProvider? time = null) => new(new ModelDownloadOptions
    {
        CacheDirectory = Cache,
        MaxAttempts = maxAttempts,
        RetryDelay = TimeSpan.FromMilliseconds(5),
        StallTimeout = stallTimeout ?? TimeSpan.FromSeconds(5),
        HuggingFaceToken = null,
        TimeProvider = time ?? TimeProvider.System,
    });

    /// <summary>Starts a download, cancels it at its first progress report, and returns the bytes it had then.</summary>
    protected async Task<long> CancelAfterFirstBytesAsync(ModelSource source)
    {
        using var cancel = new CancellationTokenSource();
        var received = 0L;
        var progress = new SyncProgress(p =>
        {
            received = p.BytesReceived;
            cancel.Cancel();
        });

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Downloader().EnsureAsync(source, progress, cancel.Token));
        Assert.InRange(received, 1, Size - 1);
        return received;
    }

    protected static byte[] Bytes(int count, int seed)
    {
        var bytes = new byte[count];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    protected sealed class SyncProgress(Action<ModelDownloadProgress> report) : IProgress<ModelDownloadProgress>
    {
        public void Report(ModelDownloadProgress value) => report(value);
    }
}
