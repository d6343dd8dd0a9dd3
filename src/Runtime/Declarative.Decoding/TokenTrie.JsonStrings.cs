using System.Runtime.CompilerServices;

namespace Declarative.Decoding;

internal sealed partial class TokenTrie
{
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
}
