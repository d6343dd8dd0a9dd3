using System.Runtime.CompilerServices;

namespace Declarative.Decoding;

internal sealed partial class TokenTrie
{
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
}
