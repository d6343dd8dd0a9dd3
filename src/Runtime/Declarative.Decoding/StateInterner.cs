namespace Declarative.Decoding;

/// <summary>Gives each distinct normalized parser state a small integer id; thread-safe, shared by the matchers of one grammar.</summary>
internal sealed class StateInterner
{
    // One lock around a plain dictionary: interning is short and mostly uncontended (a sequence's matcher interns the
    // states it reaches), and this avoids the per-entry node and lock of a concurrent dictionary's insertion.
    private readonly Dictionary<Key, int> ids = [];
    private readonly Lock gate = new();

    public int Count
    {
        get
        {
            lock (gate)
            {
                return ids.Count;
            }
        }
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public int Intern(int[] content)
    {
        var key = new Key(content);
        lock (gate)
        {
            if (!ids.TryGetValue(key, out var id))
            {
                id = ids.Count + 1;
                ids[key] = id;
            }

            return id;
        }
    }

    private readonly struct Key(int[] content) : IEquatable<Key>
    {
        private readonly int[] content = content;
        private readonly int hash = Hash(content);

        public bool Equals(Key other) => hash == other.hash && content.AsSpan().SequenceEqual(other.content);

        public override bool Equals(object? obj) => obj is Key other && Equals(other);

        public override int GetHashCode() => hash;

        private static int Hash(int[] values)
        {
            var h = new HashCode();
            foreach (var v in values)
            {
                h.Add(v);
            }

            return h.ToHashCode();
        }
    }
}
