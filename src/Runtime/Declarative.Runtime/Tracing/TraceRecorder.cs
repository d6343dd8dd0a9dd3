namespace Declarative.Tracing;

/// <summary>A thread-safe <see cref="ITraceSink"/> that keeps every entry in memory, in the order recorded.</summary>
public sealed class TraceRecorder : ITraceSink
{
    private readonly List<TraceEntry> entries = [];

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
        }
    }
}
