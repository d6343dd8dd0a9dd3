using System.Runtime.CompilerServices;

namespace Declarative.Decoding;

/// <summary>The vocabulary as a trie over token bytes, walked once per mask; built once per vocabulary and shared.</summary>
internal sealed partial class TokenTrie
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
}
