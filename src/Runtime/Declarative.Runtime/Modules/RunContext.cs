using Declarative.Tracing;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Declarative;

/// <summary>
/// What a program runs with: the chat client (with its middleware), the adapter, the trace sink, default call
/// settings and a logger. There is no global configuration; pass a context to every call. Contexts are immutable and
/// may be shared between concurrent calls.
/// </summary>
public sealed class RunContext
{
    /// <summary>Creates a context.</summary>
    /// <param name="client">The chat client, usually built with <see cref="ChatClientBuilder"/> and the <c>UseX</c> extensions.</param>
    public RunContext(IChatClient client)
    {
        ArgumentNullException.ThrowIfNull(client);
        Client = client;
    }

    /// <summary>The chat client calls go to.</summary>
    public IChatClient Client { get; }

    /// <summary>The adapter that formats and parses calls (default <see cref="ChatAdapter.Default"/>).</summary>
    public Adapter Adapter { get; init; } = ChatAdapter.Default;

    /// <summary>Where each predictor call is recorded, or <see langword="null"/> for none.</summary>
    public ITraceSink? Trace { get; init; }

    /// <summary>Settings applied to every call unless the call overrides them.</summary>
    public CallSettings? Defaults { get; init; }

    /// <summary>The logger for warnings such as adapter fallbacks (default: none).</summary>
    public ILogger Logger { get; init; } = NullLogger.Instance;
}
