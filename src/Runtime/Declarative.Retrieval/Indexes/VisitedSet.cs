using System.Collections.Concurrent;

namespace Declarative.Retrieval;

/// <summary>A reusable "seen" mark per node (a generation stamp, so clearing is O(1)); rented from a pool per search.</summary>
internal sealed class VisitedSet
{
    private static readonly ConcurrentBag<VisitedSet> Pool = [];
    private int[] marks = [];
    private int stamp;

    public static VisitedSet Rent(int capacity)
    {
        var set = Pool.TryTake(out var pooled) ? pooled : new VisitedSet();
        if (set.marks.Length < capacity)
        {
            set.marks = new int[Math.Max(capacity, set.marks.Length * 2)];
            set.stamp = 0;
        }

        if (++set.stamp == int.MaxValue)
        {
            Array.Clear(set.marks);
            set.stamp = 1;
        }

        return set;
    }

    public static void Return(VisitedSet set) => Pool.Add(set);

    /// <summary>Marks a node; false when it was already marked.</summary>
    public bool Add(int node)
    {
        if (marks[node] == stamp)
        {
            return false;
        }

        marks[node] = stamp;
        return true;
    }
}
