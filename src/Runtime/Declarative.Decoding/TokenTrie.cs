using System.Runtime.CompilerServices;

namespace Declarative.Decoding;

/// <summary>The vocabulary as a trie over token bytes, walked once per mask; built once per vocabulary and shared.</summary>
internal sealed class TokenTrie
{
    private TokenTrie(int[] firstChild, int[] nextSibling, byte[] label, int[][] tokensAt, int nodeCount)
    {
        FirstChild = firstChild;
        NextSibling = nextSibling;
        Label = label;
        TokensAt = tokensAt;
        NodeCount = nodeCount;
        BytesBelow = new ByteSet[nodeCount];
        SubtreeStart = new int[nodeCount];
        SubtreeEnd = new int[nodeCount];
        var order = new List<int>();
        Number(0, order);
        TokensInOrder = order.ToArray();
        Nodes = new TrieNode[nodeCount];
        for (var n = 0; n < nodeCount; n++)
        {
            Nodes[n] = new TrieNode(firstChild[n], nextSibling[n], tokensAt[n].Length switch { 0 => -1, 1 => tokensAt[n][0], _ => -2 }, label[n]);
        }

        ChildCount = new int[nodeCount];
        for (var n = 0; n < nodeCount; n++)
        {
            for (var c = firstChild[n]; c >= 0; c = nextSibling[c])
            {
                ChildCount[n]++;
            }
        }
    }

    /// <summary>The walk's view of each node in one record (one cache line holds several), in preorder.</summary>
    public TrieNode[] Nodes { get; }

    /// <summary>A node's first child and next sibling (-1 for none), its token (-1 for none, -2 for several: see <see cref="TokensAt"/>) and the byte into it.</summary>
    internal readonly record struct TrieNode(int FirstChild, int NextSibling, int Token, byte Label);

    /// <summary>Sets the bits of the tokens ending at a node.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void MarkAt(int node, int token, Span<uint> mask)
    {
        if (token >= 0)
        {
            mask[token >> 5] |= 1u << (token & 31);
        }
        else if (token == -2)
        {
            foreach (var id in TokensAt[node])
            {
                mask[id >> 5] |= 1u << (id & 31);
            }
        }
    }

    /// <summary>For each node, how many children it has.</summary>
    public int[] ChildCount { get; }

    /// <summary>For each node, the bytes on the edges below it.</summary>
    public ByteSet[] BytesBelow { get; }

    /// <summary>Token ids in depth-first order: a node's subtree (below it) is <c>[SubtreeStart, SubtreeEnd)</c>.</summary>
    public int[] TokensInOrder { get; }

    public int[] SubtreeStart { get; }

    public int[] SubtreeEnd { get; }

    /// <summary>Numbers tokens depth-first (iteratively) and collects the bytes below each node.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Number(int root, List<int> order)
    {
        var stack = new Stack<(int Node, bool Exit)>();
        stack.Push((root, false));
        while (stack.Count > 0)
        {
            var (node, exit) = stack.Pop();
            if (exit)
            {
                SubtreeEnd[node] = order.Count;
                var below = ByteSet.None;
                for (var child = FirstChild[node]; child >= 0; child = NextSibling[child])
                {
                    below = below.Union(BytesBelow[child]).With(Label[child]);
                }

                BytesBelow[node] = below;
                continue;
            }

            // Tokens ending at a node are numbered before its children, so they are outside its "below" range.
            if (node != root)
            {
                order.AddRange(TokensAt[node]);
            }


            SubtreeStart[node] = order.Count;
            stack.Push((node, true));
            var children = new List<int>();
            for (var child = FirstChild[node]; child >= 0; child = NextSibling[child])
            {
                children.Add(child);
            }

            for (var i = children.Count - 1; i >= 0; i--)
            {
                stack.Push((children[i], false));
            }
        }
    }

    /// <summary>For each node, its first child (or -1).</summary>
    public int[] FirstChild { get; }

    /// <summary>For each node, its next sibling (or -1).</summary>
    public int[] NextSibling { get; }

    /// <summary>For each node, the byte on the edge into it.</summary>
    public byte[] Label { get; }

    /// <summary>For each node, the tokens whose bytes end there.</summary>
    public int[][] TokensAt { get; }

    public int NodeCount { get; }

    /// <summary>The words of a mask over the vocabulary.</summary>
    public int MaskWords { get; private init; }

    /// <summary>The length in bytes of the longest token.</summary>
    public int MaxDepth { get; private init; }

    /// <summary>Sets the bit of every token strictly below <paramref name="node"/> in <paramref name="mask"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void MarkBelow(int node, Span<uint> mask)
    {
        var count = SubtreeEnd[node] - SubtreeStart[node];
        if (count >= WideSubtreeTokens)
        {
            // Token ids are scattered over the mask: for a large subtree one OR of its mask (made once) beats a store
            // per token.
            Or(wideSubtrees.GetOrAdd(node, [MethodImpl(MethodImplOptions.AggressiveOptimization)] static (n, trie) => trie.SubtreeMask(n), this), mask);
            return;
        }

        foreach (var id in TokensInOrder.AsSpan(SubtreeStart[node], count))
        {
            mask[id >> 5] |= 1u << (id & 31);
        }
    }

    /// <summary>Subtrees with at least this many tokens are marked from a mask of their own (made on first use).</summary>
    private const int WideSubtreeTokens = 4096;

    private readonly System.Collections.Concurrent.ConcurrentDictionary<int, uint[]> wideSubtrees = new();

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private uint[] SubtreeMask(int node)
    {
        var made = new uint[MaskWords];
        foreach (var id in TokensInOrder.AsSpan(SubtreeStart[node], SubtreeEnd[node] - SubtreeStart[node]))
        {
            made[id >> 5] |= 1u << (id & 31);
        }

        return made;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Or(ReadOnlySpan<uint> source, Span<uint> target)
    {
        var n = Math.Min(source.Length, target.Length);
        var to = System.Runtime.InteropServices.MemoryMarshal.Cast<uint, System.Numerics.Vector<uint>>(target[..n]);
        var from = System.Runtime.InteropServices.MemoryMarshal.Cast<uint, System.Numerics.Vector<uint>>(source[..n]);
        for (var v = 0; v < to.Length; v++)
        {
            to[v] |= from[v];
        }

        for (var w = to.Length * System.Numerics.Vector<uint>.Count; w < n; w++)
        {
            target[w] |= source[w];
        }
    }

    private readonly System.Runtime.CompilerServices.ConditionalWeakTable<ByteDfa, InsideMemo> inside = new();
    private readonly System.Runtime.CompilerServices.ConditionalWeakTable<ByteDfa, System.Collections.Concurrent.ConcurrentDictionary<int, uint[]>> insideMasks = new();

    /// <summary>
    /// ORs into <paramref name="mask"/> every token strictly below <paramref name="node"/> whose bytes after the node all
    /// keep <paramref name="dfa"/> alive from its start (made once per automaton and node).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void OrInsideBelow(ByteDfa dfa, int node, Span<uint> mask)
    {
        var byNode = insideMasks.GetValue(dfa, _ => new System.Collections.Concurrent.ConcurrentDictionary<int, uint[]>());
        var words = byNode.GetOrAdd(node, n =>
        {
            var made = new uint[MaskWords];
            MarkInside(dfa, MemoFor(dfa), n, 0, made);
            return made;
        });
        Or(words, mask);
    }

    private readonly System.Runtime.CompilerServices.ConditionalWeakTable<ByteDfa, uint[]> afterFirstByte = new();

    /// <summary>
    /// ORs into <paramref name="mask"/> every token whose bytes after its first all keep <paramref name="dfa"/> alive
    /// from its start (single-byte tokens included; made once per automaton).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void OrAfterFirstByte(ByteDfa dfa, Span<uint> mask)
    {
        var words = afterFirstByte.GetValue(dfa, d =>
        {
            var made = new uint[MaskWords];
            var memo = MemoFor(d);
            for (var child = FirstChild[0]; child >= 0; child = NextSibling[child])
            {
                foreach (var id in TokensAt[child])
                {
                    made[id >> 5] |= 1u << (id & 31);
                }

                MarkInside(d, memo, child, 0, made);
            }

            return made;
        });
        Or(words, mask);
    }

    /// <summary>Clears the bits of the tokens at <paramref name="node"/> and below it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void ClearSubtree(int node, Span<uint> mask)
    {
        foreach (var id in TokensAt[node])
        {
            mask[id >> 5] &= ~(1u << (id & 31));
        }

        var count = SubtreeEnd[node] - SubtreeStart[node];
        if (count >= WideSubtreeTokens)
        {
            var below = wideSubtrees.GetOrAdd(node, [MethodImpl(MethodImplOptions.AggressiveOptimization)] static (n, trie) => trie.SubtreeMask(n), this);
            var n = Math.Min(below.Length, mask.Length);
            var to = System.Runtime.InteropServices.MemoryMarshal.Cast<uint, System.Numerics.Vector<uint>>(mask[..n]);
            var from = System.Runtime.InteropServices.MemoryMarshal.Cast<uint, System.Numerics.Vector<uint>>(below.AsSpan(0, n));
            for (var v = 0; v < to.Length; v++)
            {
                to[v] &= ~from[v];
            }

            for (var w = to.Length * System.Numerics.Vector<uint>.Count; w < n; w++)
            {
                mask[w] &= ~below[w];
            }

            return;
        }

        foreach (var id in TokensInOrder.AsSpan(SubtreeStart[node], count))
        {
            mask[id >> 5] &= ~(1u << (id & 31));
        }
    }

    private readonly System.Runtime.CompilerServices.ConditionalWeakTable<ByteDfa, System.Collections.Concurrent.ConcurrentDictionary<int, TokenTrie?>> breaks = new();

    /// <summary>
    /// The tokens below <paramref name="node"/> that leave the X* automaton <paramref name="witness"/>: after the node,
    /// some bytes that the witness takes to an accepting state (whole X strings), then a byte it refuses (the closing
    /// quote of a string, say). As a trie over their bytes from that byte on, each leaf standing for the real token
    /// ids. Tokens the witness keeps alive throughout are not in it (a seed mask has them), nor tokens it refuses in
    /// the middle of an X. Thousands of tokens end a string with the same few bytes (<c>",</c>, <c>":</c>, <c>"}</c>):
    /// a walk over this trie meets each such ending once instead of once per token. Made once per witness and node.
    /// </summary>
    public TokenTrie? BreakTrie(ByteDfa witness, int node) =>
        breaks.GetValue(witness, static _ => new()).GetOrAdd(node, n =>
        {
            var entries = new List<(byte[] Bytes, int Id)>();
            return CollectBreaks(witness, MemoFor(witness), n, 0, entries, []) ? BuildFrom(entries, MaskWords) : null;
        });

    /// <summary>
    /// Break tries hold at most this many tokens: an X* that refuses most bytes (digits, say) breaks nearly every
    /// token, and walking the vocabulary's own trie costs no more there.
    /// </summary>
    private const int MaxBreakTokens = 16384;

    /// <summary>Collects the break entries below a node; false when there are more than <see cref="MaxBreakTokens"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool CollectBreaks(ByteDfa witness, InsideMemo memo, int node, int state, List<(byte[] Bytes, int Id)> entries, List<byte> suffix)
    {
        for (var child = FirstChild[node]; child >= 0; child = NextSibling[child])
        {
            var next = witness.Step(state, Label[child]);
            if (next >= 0)
            {
                if (FirstChild[child] >= 0 && !memo.Get(child, next) && !CollectBreaks(witness, memo, child, next, entries, suffix))
                {
                    return false;
                }
            }
            else if (witness.IsAccepting(state))
            {
                if (entries.Count + TokensAt[child].Length + (SubtreeEnd[child] - SubtreeStart[child]) > MaxBreakTokens)
                {
                    return false;
                }

                CollectSuffixes(child, entries, suffix);
            }
        }

        return true;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void CollectSuffixes(int node, List<(byte[] Bytes, int Id)> entries, List<byte> suffix)
    {
        suffix.Add(Label[node]);
        if (TokensAt[node].Length > 0)
        {
            var bytes = suffix.ToArray();
            foreach (var id in TokensAt[node])
            {
                entries.Add((bytes, id));
            }
        }

        for (var child = FirstChild[node]; child >= 0; child = NextSibling[child])
        {
            CollectSuffixes(child, entries, suffix);
        }

        suffix.RemoveAt(suffix.Count - 1);
    }

    /// <summary>The inside of a JSON string (<c>json-char*</c>) as this vocabulary learned it, once <see cref="LearnJsonStrings"/> ran.</summary>
    public ByteDfa? JsonChars { get; private set; }

    /// <summary>
    /// The vocabulary counted in characters of a JSON string (<see cref="JsonChars"/>), for strings of bounded length:
    /// per number of characters, the tokens that stay inside (whole characters, or ending inside one) and the break
    /// trie of the tokens that leave after exactly that many (see <see cref="BreakTrie"/>).
    /// </summary>
    internal sealed class CharacterCounts(TokenTrie trie, List<int>[] complete, List<int>[] partial, TokenTrie?[] breaks)
    {
        private readonly uint[]?[] cumulativeComplete = new uint[]?[complete.Length];
        private readonly uint[]?[] cumulativePartial = new uint[]?[partial.Length];

        /// <summary>The most characters any token holds before it leaves the string (or ends).</summary>
        public int MaxCount => complete.Length - 1;

        /// <summary>The break trie of the tokens that leave after exactly <paramref name="count"/> characters (null: none).</summary>
        public TokenTrie? Breaks(int count) => breaks[count];

        /// <summary>ORs the tokens that stay inside with at most <paramref name="budget"/> characters (a started one counts).</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void OrInside(int budget, Span<uint> mask)
        {
            Or(Cumulative(cumulativeComplete, complete, Math.Min(budget, MaxCount)), mask);
            if (budget >= 1)
            {
                Or(Cumulative(cumulativePartial, partial, Math.Min(budget - 1, MaxCount)), mask);
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private uint[] Cumulative(uint[]?[] cache, List<int>[] byCount, int count)
        {
            if (Volatile.Read(ref cache[count]) is { } known)
            {
                return known;
            }

            var made = new uint[trie.MaskWords];
            for (var c = 0; c <= count; c++)
            {
                foreach (var id in byCount[c])
                {
                    made[id >> 5] |= 1u << (id & 31);
                }
            }

            Interlocked.CompareExchange(ref cache[count], made, null);
            return cache[count]!;
        }
    }

    private CharacterCounts? characterCounts;

    /// <summary>The vocabulary counted in JSON string characters (made once, at load, by <see cref="LearnJsonStrings"/>).</summary>
    public CharacterCounts? JsonCharacterCounts => Volatile.Read(ref characterCounts);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private CharacterCounts? CountCharacters(ByteDfa chars)
    {
        var a = chars.Step(0, (byte)'a');
        if (a < 0 || !chars.IsAccepting(a))
        {
            return null; // the walk stands for whole characters with 'a'
        }

        var complete = new List<List<int>>();
        var partial = new List<List<int>>();
        var breakEntries = new List<List<(byte[] Bytes, int Id)>>();
        List<T> At<T>(List<List<T>> lists, int count)
        {
            while (lists.Count <= count)
            {
                lists.Add([]);
            }

            return lists[count];
        }

        var suffix = new List<byte>();
        var pending = new Stack<(int Node, int State, int Count)>();
        pending.Push((0, 0, 0));
        while (pending.Count > 0)
        {
            var (node, state, count) = pending.Pop();
            for (var child = FirstChild[node]; child >= 0; child = NextSibling[child])
            {
                var next = chars.Step(state, Label[child]);
                if (next >= 0)
                {
                    var whole = chars.IsAccepting(next);
                    var after = whole ? count + 1 : count;
                    At(whole ? complete : partial, after).AddRange(TokensAt[child]);
                    pending.Push((child, next, after));
                }
                else if (chars.IsAccepting(state))
                {
                    CollectSuffixes(child, At(breakEntries, count), suffix);
                }
            }
        }

        var max = Math.Max(complete.Count, Math.Max(partial.Count, breakEntries.Count));
        _ = At(complete, max - 1);
        _ = At(partial, max - 1);
        _ = At(breakEntries, max - 1);
        return new CharacterCounts(
            this,
            [.. complete],
            [.. partial],
            [.. breakEntries.Select(entries => entries.Count == 0 ? null : BuildFrom(entries, MaskWords))]);
    }

    /// <summary>
    /// Learns, once per vocabulary, which trie subtrees the inside of a JSON string keeps alive, its seed mask and its
    /// break trie:
    /// nearly every grammar asks, and the first to ask would otherwise pay for the whole trie (tens of milliseconds).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void LearnJsonStrings()
    {
        var json = new Declarative.Grammars.JsonGrammar(new Declarative.Grammars.RuleSet());
        var star = Declarative.Grammars.GrammarNode.Star(json.AnyChar);
        json.Rules.Define("json-chars", star);
        var bodies = json.Rules.ToGrammar("json-chars").RuleList.ToDictionary(r => r.Key, r => r.Value, StringComparer.Ordinal);
        var strings = ByteDfa.TryBuild(star, name => bodies.TryGetValue(name, out var body) ? body : null);
        if (strings?.Witness(0) is not { } witness)
        {
            return;
        }

        var memo = MemoFor(witness);
        for (var child = FirstChild[0]; child >= 0; child = NextSibling[child])
        {
            if (witness.Step(0, Label[child]) is var next and >= 0)
            {
                memo.Get(child, next);
            }
        }

        var scratch = new uint[MaskWords];
        OrInsideBelow(witness, 0, scratch);
        _ = BreakTrie(witness, 0);
        OrAfterFirstByte(witness, scratch);

        // Below the root, the walk seeds large subtrees from the same facts (a key whose first bytes are a declared
        // name's, then any string): learned here too, so the first schema to reach one does not pay for it.
        for (var node = 1; node < NodeCount; node++)
        {
            if (SubtreeEnd[node] - SubtreeStart[node] >= SeededSubtreeTokens)
            {
                OrInsideBelow(witness, node, scratch);
                _ = BreakTrie(witness, node);
            }
        }

        Volatile.Write(ref characterCounts, CountCharacters(witness));
        JsonChars = witness;
    }

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

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static TokenTrie Build(Vocabulary vocabulary)
    {
        var entries = new List<(byte[] Bytes, int Id)>(vocabulary.Count);
        for (var id = 0; id < vocabulary.Count; id++)
        {
            if (vocabulary[id].Length > 0)
            {
                entries.Add((vocabulary[id].ToArray(), id));
            }
        }

        return BuildFrom(entries, vocabulary.MaskWords);
    }

    /// <summary>A trie over the given byte strings, each standing for a token id (several strings may be equal).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static TokenTrie BuildFrom(List<(byte[] Bytes, int Id)> entries, int maskWords)
    {
        // Strings in byte order: a trie's depth-first preorder is the order of its strings, so nodes are numbered as they
        // are made (a walk then reads the arrays front to back, and a subtree's nodes sit together).
        entries.Sort((x, y) =>
        {
            var order = x.Bytes.AsSpan().SequenceCompareTo(y.Bytes);
            return order != 0 ? order : x.Id.CompareTo(y.Id);
        });

        var firstChild = new List<int> { -1 };
        var nextSibling = new List<int> { -1 };
        var labels = new List<byte> { 0 };
        var tokens = new List<List<int>?> { null };
        var path = new List<int> { 0 }; // path[d] = the node at depth d on the current branch
        var lastChild = new List<int> { -1 }; // lastChild[d] = the last child made under path[d]
        var maxDepth = 0;
        byte[]? previousBytes = null;
        foreach (var (bytes, id) in entries)
        {
            maxDepth = Math.Max(maxDepth, bytes.Length);
            var common = previousBytes is null ? 0 : bytes.AsSpan().CommonPrefixLength(previousBytes);
            path.RemoveRange(common + 1, path.Count - common - 1);
            lastChild.RemoveRange(common + 1, lastChild.Count - common - 1);
            for (var d = common; d < bytes.Length; d++)
            {
                var node = labels.Count;
                labels.Add(bytes[d]);
                firstChild.Add(-1);
                nextSibling.Add(-1);
                tokens.Add(null);
                var parent = path[d];
                if (lastChild[d] < 0)
                {
                    firstChild[parent] = node;
                }
                else
                {
                    nextSibling[lastChild[d]] = node;
                }

                lastChild[d] = node;
                path.Add(node);
                lastChild.Add(-1);
            }

            (tokens[path[bytes.Length]] ??= []).Add(id);
            previousBytes = bytes;
        }

        var tokensAt = tokens.Select(t => t is null ? [] : t.ToArray()).ToArray();
        return new TokenTrie(firstChild.ToArray(), nextSibling.ToArray(), labels.ToArray(), tokensAt, labels.Count)
        {
            MaxDepth = maxDepth,
            MaskWords = maskWords,
        };
    }
}
