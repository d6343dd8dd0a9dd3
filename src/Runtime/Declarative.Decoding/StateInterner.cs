using System.Runtime.CompilerServices;

namespace Declarative.Decoding;

/// <summary>Gives each distinct normalized parser state a small integer id; thread-safe, shared by the matchers of one grammar.</summary>
internal sealed class StateInterner
{
    // One lock around an open hash table of ids chained through arrays: interning is short and mostly uncontended (a
    // sequence's matcher interns the states it reaches), and a state met again is found from the caller's span without
    // allocating (only a new state's content is copied).
    private readonly Lock gate = new();
    private int[] buckets = new int[64];
    private int[] chain = new int[32];
    private int[] hashes = new int[32];
    private int[][] contents = new int[32][];
    private int count;

    public int Count
    {
        get
        {
            lock (gate)
            {
                return count;
            }
        }
    }

    /// <summary>The id of <paramref name="content"/> (ids start at 1), made when new.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public int Intern(ReadOnlySpan<int> content)
    {
        var hash = Hash(content);
        lock (gate)
        {
            for (var id = buckets[hash & (buckets.Length - 1)]; id != 0; id = chain[id])
            {
                if (hashes[id] == hash && content.SequenceEqual(contents[id]))
                {
                    return id;
                }
            }

            var added = ++count;
            if (added == contents.Length)
            {
                Array.Resize(ref contents, added * 2);
                Array.Resize(ref hashes, added * 2);
                Array.Resize(ref chain, added * 2);
            }

            contents[added] = content.ToArray();
            hashes[added] = hash;
            if (added * 2 > buckets.Length)
            {
                Rehash(buckets.Length * 2);
            }

            var bucket = hash & (buckets.Length - 1);
            chain[added] = buckets[bucket];
            buckets[bucket] = added;
            return added;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Rehash(int size)
    {
        buckets = new int[size];
        for (var id = 1; id < count; id++)
        {
            var bucket = hashes[id] & (size - 1);
            chain[id] = buckets[bucket];
            buckets[bucket] = id;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int Hash(ReadOnlySpan<int> values)
    {
        var h = 0x2545F491u;
        foreach (var v in values)
        {
            h = (h ^ (uint)v) * 0x9E3779B1u;
            h ^= h >> 15;
        }

        return (int)(h & 0x7FFFFFFF);
    }
}
