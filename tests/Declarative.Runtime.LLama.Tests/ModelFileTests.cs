using System.Net;
using Microsoft.Extensions.Time.Testing;

namespace Declarative.Runtime.LLama.Tests;

/// <summary>Downloads from a real HTTP server on 127.0.0.1: caching, resuming, restarting, taking turns, reporting progress.</summary>
public sealed class ModelFileTests : ModelFileTestBase
{
    [Fact]
    public async Task Fresh_download_is_verified_and_moved_into_the_cache()
    {
        var path = await Downloader().EnsureAsync(Pinned());

        Assert.Equal(Path.Combine(Cache, $"127.0.0.1_{Server.Url().Port}", "models", "tiny.gguf"), path);
        Assert.Equal(Content, await File.ReadAllBytesAsync(path));
        Assert.StartsWith(Sha256, await File.ReadAllTextAsync(path + ".sha256"), StringComparison.Ordinal);
        Assert.False(File.Exists(path + ".partial"));
        Assert.False(File.Exists(path + ".partial.meta"));
        var request = Assert.Single(Server.Requests);
        Assert.Equal(("GET", "/models/tiny.gguf", null), (request.Method, request.Path, request.Range));
    }

    [Fact]
    public async Task Cached_file_is_returned_without_a_request()
    {
        var first = await Downloader().EnsureAsync(Pinned());
        var again = await Downloader().EnsureAsync(Pinned());
        var unpinned = await Downloader().EnsureAsync(ModelSource.Parse(Server.Url().AbsoluteUri));

        Assert.Equal(first, again);
        Assert.Equal(first, unpinned);
        Assert.Single(Server.Requests);
    }

    [Fact]
    public async Task Cached_file_that_no_longer_matches_its_pin_is_downloaded_again()
    {
        var path = await Downloader().EnsureAsync(Pinned());
        await File.WriteAllBytesAsync(path, Bytes(1000, seed: 9));

        Assert.Equal(path, await Downloader().EnsureAsync(Pinned()));
        Assert.Equal(Content, await File.ReadAllBytesAsync(path));
        Assert.Equal(2, Server.Requests.Count);
    }

    [Fact]
    public async Task Dropped_connection_resumes_with_a_range_request()
    {
        Server.DropNext(bytes: 1_000_000);

        var path = await Downloader().EnsureAsync(Pinned());

        Assert.Equal(Content, await File.ReadAllBytesAsync(path));
        Assert.Collection(Server.Requests,
            first => Assert.Null(first.Range),
            second => Assert.Equal(("bytes=1000000-", "\"v1\""), (second.Range, second.IfRange)));
    }

    [Fact]
    public async Task Reset_connections_are_retried_until_the_file_is_complete()
    {
        Server.ResetOnDrop = true;
        Server.DropNext(bytes: 700_000, times: 3);

        var path = await Downloader().EnsureAsync(Pinned());

        Assert.Equal(Content, await File.ReadAllBytesAsync(path));
        Assert.Equal(4, Server.Requests.Count);
    }

    [Fact]
    public async Task Server_that_ignores_ranges_makes_the_download_start_over()
    {
        Server.IgnoreRange = true;
        Server.DropNext(bytes: 1_000_000);

        var path = await Downloader().EnsureAsync(Pinned());

        Assert.Equal(Content, await File.ReadAllBytesAsync(path));
        Assert.Equal(2, Server.Requests.Count);
        Assert.Equal("bytes=1000000-", Server.Requests[1].Range);
    }

    [Fact]
    public async Task Cancelled_download_keeps_its_bytes_and_the_next_call_resumes()
    {
        Server.StallAfterBytes = 1_500_000;
        var kept = await CancelAfterFirstBytesAsync(Pinned());

        var path = Downloader().GetCachePath(Pinned());
        Assert.False(File.Exists(path));
        Assert.Equal(kept, new FileInfo(path + ".partial").Length);

        Server.StallAfterBytes = null;
        Assert.Equal(path, await Downloader().EnsureAsync(Pinned()));
        Assert.Equal(Content, await File.ReadAllBytesAsync(path));
        Assert.Equal($"bytes={kept}-", Server.Requests[^1].Range);
        Assert.False(File.Exists(path + ".partial"));
    }

    [Fact]
    public async Task New_version_on_the_server_fails_If_Range_and_the_download_starts_over()
    {
        var unpinned = ModelSource.Parse(Server.Url().AbsoluteUri);
        Server.StallAfterBytes = 1_000_000;
        var kept = await CancelAfterFirstBytesAsync(unpinned);

        var newer = Bytes(Size - 5000, seed: 2);
        (Server.Content, Server.ETag, Server.StallAfterBytes) = (newer, "\"v2\"", null);
        var path = await Downloader().EnsureAsync(unpinned);

        Assert.Equal(newer, await File.ReadAllBytesAsync(path));
        Assert.Equal(($"bytes={kept}-", "\"v1\""), (Server.Requests[^1].Range, Server.Requests[^1].IfRange));
    }

    [Fact]
    public async Task Stalled_body_counts_as_a_dropped_connection()
    {
        // Each answer stops after 1,500,000 bytes and the connection stays open. The stall timeout runs on a manual clock
        // moved on only once the client has written every byte sent so far: a real 250 ms timeout could also fire while
        // bytes were still flowing (a starved pool thread on a loaded machine), and the download would then resume from
        // another offset than the ones asserted.
        Server.StallAfterBytes = 1_500_000;
        var clock = new FakeTimeProvider();
        var downloader = Downloader(stallTimeout: TimeSpan.FromMilliseconds(250), time: clock);
        var partial = downloader.GetCachePath(Pinned()) + ".partial";

        var download = downloader.EnsureAsync(Pinned());
        foreach (var (requests, received) in new[] { (1, 1_500_000L), (2, 3_000_000L) })
        {
            await WaitUntilAsync(download, () => Server.Requests.Count == requests && PartialLength(partial) == received, $"{received} bytes on disk");
            await Task.Delay(100);
            Assert.Equal(requests, Server.Requests.Count); // no byte arrives, and no time passes, so nothing gives up yet
            clock.Advance(TimeSpan.FromMilliseconds(250)); // the stall timeout

            // The 5 ms retry delay runs on the same clock: move it on until the next request arrives (at most 5 ms past
            // the timer that the new answer's first read arms, far short of the stall timeout).
            await WaitUntilAsync(download, () =>
            {
                if (Server.Requests.Count > requests)
                {
                    return true;
                }

                clock.Advance(TimeSpan.FromMilliseconds(5));
                return false;
            }, $"request {requests + 1}");
        }

        var path = await download.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(Content, await File.ReadAllBytesAsync(path));
        Assert.Equal([null, "bytes=1500000-", "bytes=3000000-"], Server.Requests.Select(r => r.Range));
    }

    private static long PartialLength(string path)
    {
        var file = new FileInfo(path);
        return file.Exists ? file.Length : -1;
    }

    /// <summary>Waits (in real time, up to 30 s) until <paramref name="condition"/> holds; fails at once if the download ends first.</summary>
    private static async Task WaitUntilAsync(Task<string> download, Func<bool> condition, string what)
    {
        for (var deadline = DateTime.UtcNow.AddSeconds(30); !condition(); await Task.Delay(5))
        {
            if (download.IsCompleted)
            {
                await download;
                Assert.Fail($"The download ended before {what}.");
            }

            Assert.True(DateTime.UtcNow < deadline, $"Timed out waiting for {what}.");
        }
    }

    [Fact]
    public async Task Concurrent_downloads_of_one_file_take_turns()
    {
        var paths = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => Downloader().EnsureAsync(Pinned()))));

        Assert.Single(paths.Distinct());
        Assert.Equal(Content, await File.ReadAllBytesAsync(paths[0]));
        Assert.Single(Server.Requests);
    }

    [Fact]
    public async Task Download_waits_while_another_download_holds_the_lock()
    {
        var path = Downloader().GetCachePath(Pinned());
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        Task<string> download;
        using (new FileStream(path + ".lock", FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None))
        {
            download = Downloader().EnsureAsync(Pinned());
            await Task.Delay(200);
            Assert.False(download.IsCompleted);
            Assert.Empty(Server.Requests);
        }

        Assert.Equal(path, await download);
        Assert.Equal(Content, await File.ReadAllBytesAsync(path));
    }

    [Fact]
    public async Task Progress_rises_to_the_total()
    {
        var reports = new List<ModelDownloadProgress>();
        await Downloader().EnsureAsync(Pinned(), new SyncProgress(reports.Add));

        Assert.NotEmpty(reports);
        Assert.All(reports, r => Assert.Equal(Size, r.TotalBytes));
        Assert.Equal(reports.Select(r => r.BytesReceived).Order(), reports.Select(r => r.BytesReceived));
        Assert.Equal(new ModelDownloadProgress(Size, Size), reports[^1]);
    }
}
