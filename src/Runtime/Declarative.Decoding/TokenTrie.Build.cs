using System.Runtime.CompilerServices;

namespace Declarative.Decoding;

internal sealed partial class TokenTrie
{
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
