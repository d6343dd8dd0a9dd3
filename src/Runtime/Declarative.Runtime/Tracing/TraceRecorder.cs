namespace Declarative.Tracing;

/// <summary>A thread-safe <see cref="ITraceSink"/> that keeps every entry (and every tool decision) in memory, in the order recorded.</summary>
public sealed class TraceRecorder : ITraceSink, Declarative.Tools.IToolTraceSink
{
    private readonly List<TraceEntry> entries = [];
    private readonly List<Declarative.Tools.ToolDecision> tools = [];

    /// <summary>The tool decisions recorded so far (a snapshot), refused calls included.</summary>
    public IReadOnlyList<Declarative.Tools.ToolDecision> ToolDecisions
    {
        get
        {
            lock (entries)
            {
                return tools.ToArray();
            }
        }
    }

    /// <inheritdoc />
    public void RecordTool(Declarative.Tools.ToolDecision decision)
    {
        ArgumentNullException.ThrowIfNull(decision);
        lock (entries)
        {
            tools.Add(decision);
        }
    }

    /// <summary>The entries recorded so far (a snapshot).</summary>
    public IReadOnlyList<TraceEntry> Entries
    {
        get
        {
            lock (entries)
            {
                return entries.ToArray();
            }
        }
    }

    /// <inheritdoc />
    public void Record(TraceEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        lock (entries)
        {
            entries.Add(entry);
        }
    }

    /// <summary>Removes every entry.</summary>
    public void Clear()
    {
        lock (entries)
        {
            entries.Clear();
            tools.Clear();
        }
    }
}
