using System.Runtime.CompilerServices;

namespace Declarative.Decoding;

public sealed partial class GrammarMatcher
{
    /// <summary>An Earley item; <see cref="State"/> is the automaton state when the dot stands before an automaton terminal.</summary>
    private readonly record struct Item(int Production, int Dot, int Origin, int State = 0);

    /// <summary>
    /// An Earley set: its items in order, deduplicated through an open-addressing table whose slots are stamped with a
    /// generation, so clearing a pooled set costs nothing however large it once grew.
    /// </summary>
    private sealed class EarleySet
    {
        private Item[] slots = new Item[32];
        private int[] stamps = new int[32];
        private int generation = 1;

        public List<Item> Items { get; } = [];

        public int? CanonicalId { get; set; }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Clear()
        {
            Items.Clear();
            CanonicalId = null;
            if (++generation == int.MaxValue)
            {
                Array.Clear(stamps);
                generation = 1;
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Add(Item item)
        {
            if ((Items.Count + 1) * 2 > slots.Length)
            {
                Grow();
            }

            if (Insert(item))
            {
                Items.Add(item);
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private bool Insert(Item item)
        {
            var mask = slots.Length - 1;
            var i = Hash(item) & mask;
            while (stamps[i] == generation)
            {
                if (slots[i] == item)
                {
                    return false;
                }

                i = (i + 1) & mask;
            }

            stamps[i] = generation;
            slots[i] = item;
            return true;
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void Grow()
        {
            slots = new Item[slots.Length * 2];
            stamps = new int[stamps.Length * 2];
            generation = 1;
            foreach (var item in Items)
            {
                Insert(item);
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static int Hash(in Item item)
        {
            var h = (uint)item.Production * 0x9E3779B1u;
            h = (h ^ (uint)item.Dot) * 0x85EBCA77u;
            h = (h ^ (uint)item.Origin) * 0xC2B2AE3Du;
            h = (h ^ (uint)item.State) * 0x27D4EB2Fu;
            return (int)(h ^ (h >> 15));
        }
    }
}
