namespace Declarative.Guards;

/// <summary>
/// The last guard decisions of a pipeline (blocked, flagged and redacted calls with their findings), so that nothing a
/// guard does is silent. Thread-safe and bounded; set it in <see cref="GuardOptions.Log"/>.
/// </summary>
public sealed class GuardLog
{
    private readonly LinkedList<GuardEvent> events = new();

    /// <summary>Creates a log.</summary>
    /// <param name="capacity">How many events to keep (default 1000); the oldest go first and are counted in <see cref="Dropped"/>.</param>
    public GuardLog(int capacity = 1000)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        Capacity = capacity;
    }

    /// <summary>How many events are kept.</summary>
    public int Capacity { get; }

    /// <summary>How many old events were dropped to respect <see cref="Capacity"/>.</summary>
    public long Dropped { get; private set; }

    /// <summary>The kept events, oldest first.</summary>
    public IReadOnlyList<GuardEvent> Events
    {
        get
        {
            lock (events)
            {
                return events.ToArray();
            }
        }
    }

    /// <summary>Adds an event.</summary>
    /// <param name="guardEvent">The event.</param>
    public void Add(GuardEvent guardEvent)
    {
        ArgumentNullException.ThrowIfNull(guardEvent);
        lock (events)
        {
            events.AddLast(guardEvent);
            while (events.Count > Capacity)
            {
                events.RemoveFirst();
                Dropped++;
            }
        }
    }
}
