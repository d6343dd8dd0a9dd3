using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.AI;

namespace Declarative.Testing;

/// <summary>
/// A loopback HTTP server that speaks OpenAI's REST API (<c>POST /v1/chat/completions</c>, streamed or not,
/// <c>POST /v1/embeddings</c>, <c>GET /v1/models</c>, and OpenAI's error bodies), answering chat requests from an
/// <see cref="IChatClient"/> (for example a <see cref="ScriptedChatClient"/>) and injecting faults — 429s, 5xx,
/// dropped connections, hangs, broken JSON, replies that ignore the format — at seeded rates. Every request is recorded.
/// </summary>
/// <remarks>
/// Listens on <c>127.0.0.1</c> on a free port (<see cref="BaseAddress"/>). A faulted request does not reach the chat
/// client, so a scripted client's answers line up with the successful requests. Thread-safe.
/// </remarks>
public sealed partial class OpenAiTestServer : IAsyncDisposable
{
    private readonly IChatClient chatClient;
    private readonly OpenAiTestServerOptions options;
    private readonly HttpListener listener;
    private readonly CancellationTokenSource stopping = new();
    private readonly Task acceptLoop;
    private readonly ConcurrentDictionary<Task, byte> inFlight = new();
    private readonly object gate = new();
    private readonly Random random;
    private readonly List<OpenAiRecordedRequest> requests = [];
    private readonly Dictionary<OpenAiFault, int> faultCounts = [];
    private readonly Queue<Action<Scripted>> scripted = new();

    /// <summary>Starts a server answering chat requests with <paramref name="chatClient"/>.</summary>
    /// <param name="chatClient">The client that writes the replies.</param>
    /// <param name="options">Authentication, models, latency and fault rates (default: none of them).</param>
    /// <exception cref="ArgumentException">The options are inconsistent (rates outside 0–1 or adding up to more than 1, …).</exception>
    public OpenAiTestServer(IChatClient chatClient, OpenAiTestServerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(chatClient);
        this.chatClient = chatClient;
        this.options = options ?? new OpenAiTestServerOptions();
        this.options.Validate();
        random = new Random(this.options.Seed);
        (listener, BaseAddress) = Listen();
        acceptLoop = Task.Run(AcceptAsync);
    }

    /// <summary>The server's root, <c>http://127.0.0.1:PORT/</c>.</summary>
    public Uri BaseAddress { get; }

    /// <summary>The OpenAI endpoint to give a client, <c>http://127.0.0.1:PORT/v1</c>.</summary>
    public Uri Endpoint => new(BaseAddress, "v1");

    /// <summary>The requests received so far, in arrival order.</summary>
    public IReadOnlyList<OpenAiRecordedRequest> Requests
    {
        get
        {
            lock (gate)
            {
                return requests.ToArray();
            }
        }
    }

    /// <summary>How many faults of each kind were injected so far (kinds never injected are absent).</summary>
    public IReadOnlyDictionary<OpenAiFault, int> FaultCounts
    {
        get
        {
            lock (gate)
            {
                return new Dictionary<OpenAiFault, int>(faultCounts);
            }
        }
    }

    /// <summary>Answers the next request that reaches the server with <paramref name="fault"/>, whatever the rates draw.</summary>
    /// <param name="fault">The fault.</param>
    /// <returns>This server.</returns>
    public OpenAiTestServer EnqueueFault(OpenAiFault fault)
    {
        lock (gate)
        {
            scripted.Enqueue(s => s.Fault = fault);
        }

        return this;
    }

    /// <summary>Answers the next request that reaches the server with an OpenAI error body and this status.</summary>
    /// <param name="statusCode">The HTTP status (400, 401, 404, …).</param>
    /// <param name="message">The error's <c>message</c>.</param>
    /// <param name="type">The error's <c>type</c> (default <c>invalid_request_error</c>).</param>
    /// <param name="code">The error's <c>code</c>, if any.</param>
    /// <param name="param">The error's <c>param</c>, if any.</param>
    /// <returns>This server.</returns>
    public OpenAiTestServer EnqueueError(int statusCode, string message, string type = "invalid_request_error", string? code = null, string? param = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(message);
        lock (gate)
        {
            scripted.Enqueue(s => s.Error = new ErrorReply(statusCode, message, type, code, param));
        }

        return this;
    }

    /// <summary>Stops listening, drops hanging requests and waits for the others to finish.</summary>
    /// <returns>A task that completes when the server has stopped.</returns>
    public async ValueTask DisposeAsync()
    {
        if (stopping.IsCancellationRequested)
        {
            return;
        }

        await stopping.CancelAsync().ConfigureAwait(false);
        listener.Close();
        await acceptLoop.ConfigureAwait(false);
        await Task.WhenAll(inFlight.Keys).ConfigureAwait(false);
        stopping.Dispose();
    }

    private static (HttpListener, Uri) Listen()
    {
        for (var attempt = 0; ; attempt++)
        {
            var probe = new TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            var port = ((IPEndPoint)probe.LocalEndpoint).Port;
            probe.Stop();
            var address = new Uri($"http://127.0.0.1:{port}/");
            var listener = new HttpListener();
            listener.Prefixes.Add(address.ToString());
            try
            {
                listener.Start();
                return (listener, address);
            }
            catch (HttpListenerException) when (attempt < 10)
            {
                listener.Close(); // the port was taken between the probe and the start: try another
            }
        }
    }

    private async Task AcceptAsync()
    {
        while (!stopping.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await listener.GetContextAsync().ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            var task = Task.Run(() => HandleAsync(context));
            inFlight[task] = 0;
            _ = task.ContinueWith(t => inFlight.TryRemove(t, out _), TaskScheduler.Default);
        }
    }

    /// <summary>Draws this request's fault and latency (always two draws, so the sequence depends only on the seed and the order).</summary>
    /// <param name="mayViolateSchema">Whether <see cref="OpenAiFault.SchemaViolation"/> may be drawn: a chat request that does not ask for a JSON schema.</param>
    private (OpenAiFault Fault, ErrorReply? Error, TimeSpan Latency) Draw(bool mayViolateSchema)
    {
        var faultDraw = random.NextDouble();
        var latencyDraw = random.NextDouble();
        var latency = options.MaxLatency is { } max ? options.Latency + ((max - options.Latency) * latencyDraw) : options.Latency;
        if (scripted.TryDequeue(out var apply))
        {
            var s = new Scripted();
            apply(s);
            return (s.Fault, s.Error, latency);
        }

        var cumulative = 0.0;
        foreach (var (fault, rate) in options.Rates)
        {
            cumulative += rate;
            // A schema violation that may not be drawn falls through to the next fault, or to none: SchemaViolation is the
            // last of Rates, so it becomes None and no other fault is drawn more often.
            if (faultDraw < cumulative && (mayViolateSchema || fault != OpenAiFault.SchemaViolation))
            {
                return (fault, null, latency);
            }
        }

        return (OpenAiFault.None, null, latency);
    }

    private sealed class Scripted
    {
        public OpenAiFault Fault { get; set; }

        public ErrorReply? Error { get; set; }
    }

    private sealed record ErrorReply(int Status, string Message, string Type, string? Code, string? Param);
}
