namespace Declarative.Decoding;

/// <summary>
/// The shortest string of every nonterminal and automaton state of a compiled grammar, for completing a document
/// within a token budget. Bytes are chosen in a readable order (letters, digits, space, other printable ASCII, then the
/// rest), so a forced completion reads naturally (<c>0</c>, <c>""</c>, <c>a</c>). Built once per grammar; thread-safe.
/// </summary>
internal sealed class ShortestStrings
{
    /// <summary>The order bytes are tried in.</summary>
    private static readonly byte[] Preference = BuildPreference();

    private readonly CompiledGrammar grammar;
    private readonly byte[]?[] nonterminals;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<(int Dfa, int State), byte[]?> fromDfaState = new();

    public ShortestStrings(CompiledGrammar grammar)
    {
        this.grammar = grammar;
        nonterminals = new byte[]?[grammar.NonterminalCount];
        var changed = true;
        while (changed)
        {
            changed = false;
            for (var p = 0; p < grammar.Lhs.Length; p++)
            {
                var candidate = Concat(grammar.Rhs[p], 0, 0);
                var lhs = grammar.Lhs[p];
                if (candidate is not null && (nonterminals[lhs] is null || candidate.Length < nonterminals[lhs]!.Length))
                {
                    nonterminals[lhs] = candidate;
                    changed = true;
                }
            }
        }
    }

    /// <summary>The shortest string of the symbols <paramref name="rhs"/>[<paramref name="from"/>..], the first of them an automaton in <paramref name="dfaState"/> when it is one; null when there is none.</summary>
    public byte[]? Concat(int[] rhs, int from, int dfaState)
    {
        var parts = new List<byte>();
        for (var i = from; i < rhs.Length; i++)
        {
            var part = Of(rhs[i], i == from ? dfaState : 0);
            if (part is null)
            {
                return null;
            }

            parts.AddRange(part);
        }

        return parts.ToArray();
    }

    private byte[]? Of(int symbol, int dfaState)
    {
        if (CompiledGrammar.IsDfa(symbol))
        {
            return FromState(CompiledGrammar.DfaIndex(symbol), dfaState);
        }

        if (CompiledGrammar.IsTerminal(symbol))
        {
            var set = grammar.Terminals[CompiledGrammar.TerminalIndex(symbol)];
            foreach (var b in Preference)
            {
                if (set.Contains(b))
                {
                    return [b];
                }
            }

            return null;
        }

        return nonterminals[symbol];
    }

    /// <summary>The shortest bytes that take an automaton from a state to an accepting one (breadth first; null when none within reach).</summary>
    private byte[]? FromState(int dfaIndex, int state) => fromDfaState.GetOrAdd((dfaIndex, state), key =>
    {
        var dfa = grammar.Dfas[key.Dfa];
        var parent = new Dictionary<int, (int From, byte Byte)> { [key.State] = (-1, 0) };
        var queue = new Queue<int>();
        queue.Enqueue(key.State);
        while (queue.Count > 0 && parent.Count < 100_000)
        {
            var q = queue.Dequeue();
            if (dfa.IsAccepting(q))
            {
                var path = new List<byte>();
                for (var at = q; parent[at].From >= 0; at = parent[at].From)
                {
                    path.Add(parent[at].Byte);
                }

                path.Reverse();
                return path.ToArray();
            }

            var row = dfa.RowOf(q);
            foreach (var b in Preference)
            {
                var next = row[b];
                if (next >= 0 && parent.TryAdd(next, (q, b)))
                {
                    queue.Enqueue(next);
                }
            }
        }

        return null;
    });

    private static byte[] BuildPreference()
    {
        var order = new List<byte>();
        void Add(int first, int last)
        {
            for (var b = first; b <= last; b++)
            {
                if (!order.Contains((byte)b))
                {
                    order.Add((byte)b);
                }
            }
        }

        Add('a', 'z');
        Add('0', '9');
        Add('A', 'Z');
        Add(' ', ' ');
        Add(0x21, 0x7E);
        Add(0x80, 0xFF);
        Add(0x00, 0x1F);
        Add(0x7F, 0x7F);
        return order.ToArray();
    }
}
