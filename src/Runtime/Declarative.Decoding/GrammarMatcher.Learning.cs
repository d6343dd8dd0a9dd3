using System.Runtime.CompilerServices;

namespace Declarative.Decoding;

public sealed partial class GrammarMatcher
{
    /// <summary>
    /// Learns the canonical state after every byte from the current state at once: bytes that advance the same items
    /// the same way share one closure, so a state whose 200 allowed bytes fall into a handful of classes costs a handful
    /// of Earley steps. <paramref name="next"/>[b] receives the state id (0 when the byte is not allowed), and
    /// <paramref name="seen"/> each state reached, while it is the matcher's current state (so it can ask about it).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal void LearnTransitions(StateInterner interner, int[] next, Action<int> seen)
    {
        // The scanning items, and for each byte a fingerprint of what it does to them (which items advance, into which
        // automaton states); bytes with equal fingerprints (checked item by item) share one Earley step.
        var scanning = scanningScratch;
        scanning.Clear();
        foreach (var item in sets[^1].Items)
        {
            if (Scans(item, out var symbol))
            {
                scanning.Add((item, symbol, CompiledGrammar.IsDfa(symbol) ? grammar.Dfas[CompiledGrammar.DfaIndex(symbol)].RowOf(item.State) : null));
            }
        }

        // A multiply per byte, not a full mix: equal fingerprints are checked item by item (SameEffect) anyway, and
        // which bytes are allowed at all is kept apart, so a fingerprint that happens to be 0 changes nothing.
        var fingerprint = fingerprints;
        Array.Clear(fingerprint);
        var allowed = ByteSet.None;
        for (var i = 0; i < scanning.Count; i++)
        {
            var salt = Mix((ulong)i + 1);
            var (_, symbol, row) = scanning[i];
            if (row is not null)
            {
                for (var b = 0; b < 256; b++)
                {
                    if (row[b] >= 0)
                    {
                        fingerprint[b] = (fingerprint[b] * 31) + (salt ^ ((ulong)(row[b] + 1) * 0x9E3779B97F4A7C15UL));
                        allowed = allowed.With((byte)b);
                    }
                }
            }
            else
            {
                var terminal = grammar.Terminals[CompiledGrammar.TerminalIndex(symbol)];
                for (var b = 0; b < 256; b++)
                {
                    if (terminal.Contains((byte)b))
                    {
                        fingerprint[b] = (fingerprint[b] * 31) + salt;
                        allowed = allowed.With((byte)b);
                    }
                }
            }
        }

        var representatives = representativesScratch;
        representatives.Clear();
        for (var b = 0; b < 256; b++)
        {
            if (!allowed.Contains((byte)b))
            {
                next[b] = 0;
                continue;
            }

            var known = -1;
            foreach (var r in representatives)
            {
                if (fingerprint[r] == fingerprint[b] && SameEffect(scanning, r, b))
                {
                    known = r;
                    break;
                }
            }

            if (known >= 0)
            {
                next[b] = next[known];
                continue;
            }

            var set = pool.Count > 0 ? pool.Pop() : new EarleySet();
            foreach (var (item, symbol, row) in scanning)
            {
                if (row is not null)
                {
                    if (row[b] >= 0)
                    {
                        set.Add(new Item(item.Production, item.Dot, item.Origin, row[b]));
                    }
                }
                else if (grammar.Terminals[CompiledGrammar.TerminalIndex(symbol)].Contains((byte)b))
                {
                    set.Add(new Item(item.Production, item.Dot + 1, item.Origin));
                }
            }

            sets.Add(set);
            Close(sets.Count - 1);
            var id = StateId(interner);
            seen(id);
            Rollback(1);
            representatives.Add(b);
            next[b] = id;
        }
    }

    // Scratch lists of LearnTransitions (which does not recurse), kept so learning does not allocate them each time.
    private readonly List<(Item Item, int Symbol, int[]? Row)> scanningScratch = [];
    private readonly List<int> representativesScratch = [];

    /// <summary>Whether two bytes advance the same scanning items into the same states.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool SameEffect(List<(Item Item, int Symbol, int[]? Row)> scanning, int first, int second)
    {
        foreach (var (_, symbol, row) in scanning)
        {
            if (row is not null ? row[first] != row[second]
                : grammar.Terminals[CompiledGrammar.TerminalIndex(symbol)].Contains((byte)first) != grammar.Terminals[CompiledGrammar.TerminalIndex(symbol)].Contains((byte)second))
            {
                return false;
            }
        }

        return true;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static ulong Mix(ulong value)
    {
        value ^= value >> 33;
        value *= 0xff51afd7ed558ccdUL;
        value ^= value >> 33;
        value *= 0xc4ceb9fe1a85ec53UL;
        return (value ^ (value >> 33)) | 1;
    }
}
