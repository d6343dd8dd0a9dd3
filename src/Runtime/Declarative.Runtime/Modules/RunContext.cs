using Declarative.Tracing;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Declarative;

/// <summary>
/// What a program runs with: the chat client (with its middleware), the adapter, the trace sink, default call
/// settings and a logger. There is no global configuration; pass a context to every call. Contexts are immutable and
/// may be shared between concurrent calls; <see cref="WithClient"/>, <see cref="WithTrace"/> and
/// <see cref="WithDefaults"/> return copies that keep every other setting.
/// </summary>
public sealed class RunContext
{
    // The With… methods copy with MemberwiseClone, so a field added here is kept by every copy without more code.
    private IChatClient client;
    private Adapter adapter = ChatAdapter.Default;
    private ITraceSink? trace;
    private CallSettings? defaults;
    private ILogger logger = NullLogger.Instance;

    /// <summary>Creates a context.</summary>
    /// <param name="client">The chat client, usually built with <see cref="ChatClientBuilder"/> and the <c>UseX</c> extensions.</param>
    public RunContext(IChatClient client)
    {
        ArgumentNullException.ThrowIfNull(client);
        this.client = client;
    }

    /// <summary>The chat client calls go to.</summary>
    public IChatClient Client => client;

    /// <summary>The adapter that formats and parses calls (default <see cref="ChatAdapter.Default"/>).</summary>
    public Adapter Adapter { get => adapter; init => adapter = value; }

    /// <summary>Where each predictor call is recorded, or <see langword="null"/> for none.</summary>
    public ITraceSink? Trace { get => trace; init => trace = value; }

    /// <summary>Settings applied to every call unless the call overrides them.</summary>
    public CallSettings? Defaults { get => defaults; init => defaults = value; }

    /// <summary>The logger for warnings such as adapter fallbacks (default: none).</summary>
    public ILogger Logger { get => logger; init => logger = value; }

    /// <summary>A copy of this context that sends calls to <paramref name="client"/>; every other setting is kept.</summary>
    /// <param name="client">The chat client of the copy.</param>
    /// <returns>The copy.</returns>
    public RunContext WithClient(IChatClient client)
    {
        ArgumentNullException.ThrowIfNull(client);
        var copy = Copy();
        copy.client = client;
        return copy;
    }

    /// <summary>A copy of this context that records calls in <paramref name="trace"/>; every other setting is kept.</summary>
    /// <param name="trace">The trace sink of the copy, or <see langword="null"/> for none.</param>
    /// <returns>The copy.</returns>
    public RunContext WithTrace(ITraceSink? trace)
    {
        var copy = Copy();
        copy.trace = trace;
        return copy;
    }

    /// <summary>A copy of this context whose calls default to <paramref name="defaults"/>; every other setting is kept.</summary>
    /// <param name="defaults">The default call settings of the copy (they replace, not merge with, this context's).</param>
    /// <returns>The copy.</returns>
    public RunContext WithDefaults(CallSettings? defaults)
    {
        var copy = Copy();
        copy.defaults = defaults;
        return copy;
    }

    private RunContext Copy() => (RunContext)MemberwiseClone();
}
