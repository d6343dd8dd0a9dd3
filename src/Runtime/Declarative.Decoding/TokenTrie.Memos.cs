using System.Runtime.CompilerServices;

namespace Declarative.Decoding;

internal sealed partial class TokenTrie
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void MarkInside(ByteDfa dfa, InsideMemo memo, int node, int state, Span<uint> mask)
    {
        for (var child = FirstChild[node]; child >= 0; child = NextSibling[child])
        {
            var next = dfa.Step(state, Label[child]);
            if (next < 0)
            {
                continue;
            }

            foreach (var id in TokensAt[child])
            {
                mask[id >> 5] |= 1u << (id & 31);
            }

            if (memo.Get(child, next))
            {
                MarkBelow(child, mask);
            }
            else
            {
                MarkInside(dfa, memo, child, next, mask);
            }
        }
    }
    /// <summary>Below the root, subtrees with at least this many tokens get a witness's seed mask (one per vocabulary, automaton and node).</summary>
    internal const int SeededSubtreeTokens = 4096;

    /// <summary>The memo of an automaton (kept by callers that ask often, to skip the lookup); it lives as long as the automaton.</summary>
    public InsideMemo MemoFor(ByteDfa dfa) => inside.GetValue(dfa, d => new InsideMemo(this, d));

    /// <summary>
    /// Per automaton: whether every path below a trie node stays alive in the automaton standing in a given state at
    /// that node (so every token in the subtree is accepted by it). Answers are memoized per state and node; a state
    /// standing where some X* may run asks the shared X* automaton first (<see cref="ByteDfa.Witness"/>), so the inside of
    /// strings is learned once per vocabulary. Races only ever lose memo bits (a recomputation or a "no"), never add a
    /// wrong "yes".
    /// </summary>
    internal sealed class InsideMemo(TokenTrie trie, ByteDfa dfa)
    {
        private readonly Lock gate = new();
        private StateMemo?[] states = new StateMemo?[8];

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public bool Get(int node, int state)
        {
            var memo = Of(state);
            if (memo.TryGet(node, out var known))
            {
                return known;
            }

            if (dfa.Witness(state) is { } witness && (state != 0 || !ReferenceEquals(witness, dfa)) && trie.MemoFor(witness).Get(node, 0))
            {
                memo.Set(node, true);
                return true;
            }

            var ok = true;
            var nodes = trie.Nodes;
            var row = dfa.RowOf(state);
            for (var c = nodes[node].FirstChild; c >= 0 && ok; c = nodes[c].NextSibling)
            {
                var next = row[nodes[c].Label];
                ok = next >= 0 && Get(c, next);
            }

            memo.Set(node, ok);
            return ok;
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private StateMemo Of(int state)
        {
            var all = Volatile.Read(ref states);
            if (state < all.Length && all[state] is { } memo)
            {
                return memo;
            }

            var made = new StateMemo(trie.NodeCount);
            lock (gate)
            {
                if (state >= states.Length)
                {
                    var grown = new StateMemo?[Math.Max(state + 1, states.Length * 2)];
                    Array.Copy(states, grown, states.Length);
                    Volatile.Write(ref states, grown);
                }

                return states[state] ??= made;
            }
        }
    }

    /// <summary>The answers for one automaton state: two bits per trie node, in pages made as they are asked for.</summary>
    internal sealed class StateMemo(int nodes)
    {
        private const int PageBits = 12;
        private const int PageWords = (1 << PageBits) >> 6;
        private readonly ulong[]?[] known = new ulong[]?[(nodes >> PageBits) + 1];
        private readonly ulong[]?[] value = new ulong[]?[(nodes >> PageBits) + 1];

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public bool TryGet(int node, out bool answer)
        {
            var page = node >> PageBits;
            var bit = 1UL << (node & 63);
            var word = (node >> 6) & (PageWords - 1);
            if (Volatile.Read(ref known[page]) is { } k && (Volatile.Read(ref k[word]) & bit) != 0)
            {
                answer = (Volatile.Read(ref value[page]!)[word] & bit) != 0;
                return true;
            }

            answer = false;
            return false;
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Set(int node, bool answer)
        {
            var page = node >> PageBits;
            var bit = 1UL << (node & 63);
            var word = (node >> 6) & (PageWords - 1);
            var v = Volatile.Read(ref value[page]);
            if (v is null)
            {
                Interlocked.CompareExchange(ref value[page], new ulong[PageWords], null);
                v = value[page]!;
            }

            var k = Volatile.Read(ref known[page]);
            if (k is null)
            {
                Interlocked.CompareExchange(ref known[page], new ulong[PageWords], null);
                k = known[page]!;
            }

            if (answer)
            {
                Interlocked.Or(ref v[word], bit);
            }

            Interlocked.Or(ref k[word], bit);
        }
    }
}
