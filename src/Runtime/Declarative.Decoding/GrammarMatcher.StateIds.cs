using System.Runtime.CompilerServices;

namespace Declarative.Decoding;

public sealed partial class GrammarMatcher
{
    /// <summary>
    /// A canonical id of the parser state: equal ids mean equal futures (the same bytes are allowed from here on, and
    /// the same ones complete the document), whatever the history. Built from the current set's pending items, with
    /// each origin replaced by the id of the set it points to.
    /// </summary>
    internal int StateId(StateInterner interner) => SetId(sets.Count - 1, interner);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int SetId(int index, StateInterner interner)
    {
        var set = sets[index];
        if (set.CanonicalId is { } known)
        {
            return known;
        }

        // The origins' ids first (SetId recurses into them), then this set's key in the shared scratch, which no
        // recursive call touches any more: a state met before is found without allocating.
        var items = set.Items;
        var live = 0;
        for (var i = 0; i < items.Count; i++)
        {
            var item = items[i];
            if (Pending(item))
            {
                live++;
                if (item.Origin != index)
                {
                    SetId(item.Origin, interner);
                }
            }
        }

        if (keyScratch.Length < live)
        {
            keyScratch = new Key[Math.Max(live, keyScratch.Length * 2)];
        }

        var keys = keyScratch.AsSpan(0, live);
        var n = 0;
        for (var i = 0; i < items.Count; i++)
        {
            var item = items[i];
            if (Pending(item))
            {
                keys[n++] = new Key(item.Production, item.Dot, item.State, item.Origin == index ? -1 : sets[item.Origin].CanonicalId!.Value);
            }
        }

        SortKeys(keys);
        var key = System.Runtime.InteropServices.MemoryMarshal.Cast<Key, int>(keys);
        var id = interner.Intern(key);
        set.CanonicalId = id;
        return id;
    }

    /// <summary>
    /// Whether an item has a future of its own: not complete, and not a spent automaton item (the closure already
    /// followed its end), so states that differ only in how a lexeme's last character was spelled are one state.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool Pending(in Item item) =>
        item.Dot < grammar.Rhs[item.Production].Length && !(Scans(item, out var symbol) && CompiledGrammar.IsDfa(symbol) && Spent(item, symbol));

    /// <summary>
    /// Sorts a state's key records. Most keys hold a few items, and an insertion sort here runs fully optimized from
    /// the first call, where the framework's sort over this struct would run unoptimized code in a young process.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void SortKeys(Span<Key> keys)
    {
        if (keys.Length > 48)
        {
            keys.Sort();
            return;
        }

        for (var i = 1; i < keys.Length; i++)
        {
            var current = keys[i];
            var j = i - 1;
            while (j >= 0 && keys[j].CompareTo(current) > 0)
            {
                keys[j + 1] = keys[j];
                j--;
            }

            keys[j + 1] = current;
        }
    }

    // Scratch of SetId: the pending items of the set being named, as key records (four ints each, in this order).
    private Key[] keyScratch = new Key[32];

    /// <summary>One pending item in a state's key, ordered field by field.</summary>
    private readonly record struct Key(int Production, int Dot, int State, int Origin) : IComparable<Key>
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public int CompareTo(Key other) =>
            Production != other.Production ? Production.CompareTo(other.Production)
            : Dot != other.Dot ? Dot.CompareTo(other.Dot)
            : State != other.State ? State.CompareTo(other.State)
            : Origin.CompareTo(other.Origin);
    }
}
