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
    }

    /// <summary>For each node, the bytes on the edges below it.</summary>
    public ByteSet[] BytesBelow { get; }

    /// <summary>Token ids in depth-first order: a node's subtree (below it) is <c>[SubtreeStart, SubtreeEnd)</c>.</summary>
    public int[] TokensInOrder { get; }

    public int[] SubtreeStart { get; }

    public int[] SubtreeEnd { get; }

    /// <summary>Numbers tokens depth-first (iteratively) and collects the bytes below each node.</summary>
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

    /// <summary>The length in bytes of the longest token.</summary>
    public int MaxDepth { get; private init; }

    private readonly System.Collections.Concurrent.ConcurrentDictionary<ByteDfa, InsideMemo> inside = new();

    /// <summary>The memo of an automaton (kept by callers that ask often, to skip the lookup).</summary>
    public InsideMemo MemoFor(ByteDfa dfa) => inside.GetOrAdd(dfa, d => new InsideMemo(d.StateCount, NodeCount));

    /// <summary>
    /// Per automaton: whether every path below a trie node stays alive in the automaton standing in a given state at
    /// that node (so every token in the subtree is accepted by it). Answers are memoized per state and node, so each is
    /// computed once per vocabulary. Races only ever lose memo bits (a recomputation or a "no"), never add a wrong "yes".
    /// </summary>
    internal sealed class InsideMemo(int states, int nodes)
    {
        private readonly ulong[]?[] known = new ulong[]?[states];
        private readonly ulong[]?[] value = new ulong[]?[states];

        public bool Get(TokenTrie trie, ByteDfa dfa, int node, int state)
        {
            var k = known[state] ??= new ulong[(nodes + 63) >> 6];
            var v = value[state] ??= new ulong[(nodes + 63) >> 6];
            var bit = 1UL << (node & 63);
            if ((Volatile.Read(ref k[node >> 6]) & bit) != 0)
            {
                return (v[node >> 6] & bit) != 0;
            }

            var ok = true;
            for (var c = trie.FirstChild[node]; c >= 0 && ok; c = trie.NextSibling[c])
            {
                var next = dfa.Step(state, trie.Label[c]);
                ok = next >= 0 && Get(trie, dfa, c, next);
            }

            if (ok)
            {
                Interlocked.Or(ref v[node >> 6], bit);
            }

            Interlocked.Or(ref k[node >> 6], bit);
            return ok;
        }
    }

    public static TokenTrie Build(Vocabulary vocabulary)
    {
        // Children kept in dictionaries while building, then flattened into arrays.
        var children = new List<SortedDictionary<byte, int>> { new() };
        var tokensAt = new List<List<int>> { new() };
        var labels = new List<byte> { 0 };
        for (var id = 0; id < vocabulary.Count; id++)
        {
            var bytes = vocabulary[id];
            if (bytes.Length == 0)
            {
                continue;
            }

            var node = 0;
            foreach (var b in bytes)
            {
                if (!children[node].TryGetValue(b, out var child))
                {
                    child = children.Count;
                    children.Add(new SortedDictionary<byte, int>());
                    tokensAt.Add(new List<int>());
                    labels.Add(b);
                    children[node][b] = child;
                }

                node = child;
            }

            tokensAt[node].Add(id);
        }

        var count = children.Count;
        var firstChild = new int[count];
        var nextSibling = new int[count];
        Array.Fill(firstChild, -1);
        Array.Fill(nextSibling, -1);
        for (var n = 0; n < count; n++)
        {
            var previous = -1;
            foreach (var child in children[n].Values)
            {
                if (previous < 0)
                {
                    firstChild[n] = child;
                }
                else
                {
                    nextSibling[previous] = child;
                }

                previous = child;
            }
        }

        return new TokenTrie(firstChild, nextSibling, labels.ToArray(), tokensAt.Select(t => t.ToArray()).ToArray(), count)
        {
            MaxDepth = vocabulary.Tokens.Length == 0 ? 0 : vocabulary.Tokens.Max(t => t.Length),
        };
    }
}
