using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Declarative.Runtime.LLama.Tests;

/// <summary>
/// A minimal HTTP/1.1 file server on 127.0.0.1 (one request per connection) with the faults a download must survive:
/// it honours <c>Range</c> and <c>If-Range</c> (strong ETag), and can ignore ranges, answer a fixed status, cut the body
/// after some bytes (closing or resetting the socket) and stall mid-body. It records every request.
/// </summary>
internal sealed class LoopbackFileServer : IAsyncDisposable
{
    private static readonly DateTimeOffset LastModified = new(2025, 1, 2, 3, 4, 5, TimeSpan.Zero);

    private readonly TcpListener listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource stopping = new();
    private readonly ConcurrentQueue<RecordedRequest> requests = new();
    private readonly Task acceptLoop;
    private int drops;
    private int failures;
    private HttpStatusCode failureStatus;

    public LoopbackFileServer(byte[] content)
    {
        Content = content;
        listener.Start();
        acceptLoop = AcceptAsync();
    }

    /// <summary>The file served at every path.</summary>
    public byte[] Content { get; set; }

    /// <summary>The file's strong ETag; change it with <see cref="Content"/> to publish a new version.</summary>
    public string ETag { get; set; } = "\"v1\"";

    /// <summary>Answer 200 with the whole file even to a range request.</summary>
    public bool IgnoreRange { get; set; }

    /// <summary>The status of every answer when set (with an empty body).</summary>
    public HttpStatusCode? Status { get; set; }

    /// <summary>Cut the body after this many bytes (see <see cref="DropNext"/>).</summary>
    public int DropAfterBytes { get; private set; }

    /// <summary>Reset the socket (RST) instead of closing it (FIN) when cutting a body.</summary>
    public bool ResetOnDrop { get; set; }

    /// <summary>After this many body bytes, wait until the server is disposed; <see langword="null"/> for never.</summary>
    public int? StallAfterBytes { get; set; }

    public IReadOnlyList<RecordedRequest> Requests => [.. requests];

    public Uri Url(string path = "/models/tiny.gguf") =>
        new(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}{path}"));

    /// <summary>Cuts the body of the next <paramref name="times"/> answers after <paramref name="bytes"/> bytes.</summary>
    public void DropNext(int bytes, int times = 1)
    {
        DropAfterBytes = bytes;
        Volatile.Write(ref drops, times);
    }

    /// <summary>Answers the next <paramref name="times"/> requests with <paramref name="status"/>.</summary>
    public void FailNext(HttpStatusCode status, int times)
    {
        failureStatus = status;
        Volatile.Write(ref failures, times);
    }

    public async ValueTask DisposeAsync()
    {
        await stopping.CancelAsync();
        listener.Stop();
        try
        {
            await acceptLoop;
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }

        stopping.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!stopping.IsCancellationRequested)
        {
            var client = await listener.AcceptTcpClientAsync(stopping.Token);
            _ = Task.Run(() => ServeAsync(client));
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        try
        {
            using (client)
            {
                var stream = client.GetStream();
                var request = await ReadRequestAsync(stream);
                requests.Enqueue(request);
                await RespondAsync(client, stream, request);
            }
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The client went away, or the server stopped.
        }
    }

    private async Task RespondAsync(TcpClient client, NetworkStream stream, RecordedRequest request)
    {
        var status = Status ?? (Interlocked.Decrement(ref failures) >= 0 ? (HttpStatusCode?)failureStatus : null);
        if (status is { } failure)
        {
            await WriteHeadAsync(stream, $"{(int)failure} {failure}", "Content-Length: 0");
            return;
        }

        var content = Content;
        var start = 0L;
        var head = new StringBuilder();
        if (!IgnoreRange && request.Range is { } range && (request.IfRange is null || request.IfRange == ETag))
        {
            start = long.Parse(range["bytes=".Length..^1], CultureInfo.InvariantCulture);
            if (start >= content.Length)
            {
                await WriteHeadAsync(stream, "416 Range Not Satisfiable", $"Content-Range: bytes */{content.Length}", "Content-Length: 0");
                return;
            }
        }

        var headers = new List<string>
        {
            $"Content-Length: {content.Length - start}", $"ETag: {ETag}", $"Last-Modified: {LastModified:R}", "Accept-Ranges: bytes",
        };
        if (start > 0)
        {
            headers.Add($"Content-Range: bytes {start}-{content.Length - 1}/{content.Length}");
        }

        await WriteHeadAsync(stream, start > 0 ? "206 Partial Content" : "200 OK", [.. headers]);
        var limit = content.Length - start;
        var drop = Interlocked.Decrement(ref drops) >= 0;
        if (drop)
        {
            limit = Math.Min(limit, DropAfterBytes);
        }
        else if (StallAfterBytes is { } stall)
        {
            limit = Math.Min(limit, stall);
        }

        for (var sent = 0L; sent < limit;)
        {
            var chunk = (int)Math.Min(64 * 1024, limit - sent);
            await stream.WriteAsync(content.AsMemory((int)(start + sent), chunk), stopping.Token);
            sent += chunk;
        }

        await stream.FlushAsync(stopping.Token);
        if (drop && ResetOnDrop)
        {
            client.Client.LingerState = new LingerOption(true, 0);
        }
        else if (!drop && StallAfterBytes is not null && limit < content.Length - start)
        {
            await Task.Delay(Timeout.Infinite, stopping.Token);
        }
        else
        {
            client.Client.Shutdown(SocketShutdown.Send);
        }
    }

    private static async Task WriteHeadAsync(NetworkStream stream, string status, params string[] headers)
    {
        var text = $"HTTP/1.1 {status}\r\n{string.Concat(headers.Select(h => h + "\r\n"))}Connection: close\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(text));
    }

    private static async Task<RecordedRequest> ReadRequestAsync(NetworkStream stream)
    {
        var bytes = new List<byte>();
        var one = new byte[1];
        while (bytes.Count < 4 || bytes[^4] != '\r' || bytes[^3] != '\n' || bytes[^2] != '\r' || bytes[^1] != '\n')
        {
            if (await stream.ReadAsync(one) == 0)
            {
                throw new IOException("The client closed the connection before the end of the request.");
            }

            bytes.Add(one[0]);
        }

        var lines = Encoding.ASCII.GetString([.. bytes]).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        var parts = lines[0].Split(' ');
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in lines.Skip(1))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            headers[line[..colon]] = line[(colon + 1)..].Trim();
        }

        return new RecordedRequest(parts[0], parts[1], headers);
    }
}

/// <summary>A request the server received.</summary>
internal sealed record RecordedRequest(string Method, string Path, IReadOnlyDictionary<string, string> Headers)
{
    public string? Range => Headers.GetValueOrDefault("Range");

    public string? IfRange => Headers.GetValueOrDefault("If-Range");
}
