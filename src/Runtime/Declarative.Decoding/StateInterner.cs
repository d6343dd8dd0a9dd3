using System.Collections.Concurrent;

namespace Declarative.Decoding;

/// <summary>Gives each distinct normalized parser state a small integer id; thread-safe, shared by the matchers of one grammar.</summary>
internal sealed class StateInterner
{
    private readonly ConcurrentDictionary<Key, int> ids = new();
    private int next;

    public int Count => ids.Count;

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public int Intern(int[] content) => ids.GetOrAdd(new Key(content), _ => Interlocked.Increment(ref next));

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
