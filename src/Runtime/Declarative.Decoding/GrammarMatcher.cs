using System.Runtime.CompilerServices;

namespace Declarative.Decoding;

/// <summary>
/// An incremental Earley recognizer over bytes: feed bytes one at a time, ask which bytes may come next and whether
/// what was fed is a complete document, and roll back. One matcher per sequence; the <see cref="CompiledGrammar"/> is
/// shared.
/// </summary>
public sealed partial class GrammarMatcher
{
    private readonly CompiledGrammar grammar;
    private readonly List<EarleySet> sets = [];
    private readonly Stack<EarleySet> pool = new();
    private readonly ulong[] fingerprints = new ulong[256];

    /// <summary>Creates a matcher at the start of a document.</summary>
    /// <param name="grammar">The compiled grammar.</param>
    public GrammarMatcher(CompiledGrammar grammar)
    {
        this.grammar = grammar ?? throw new ArgumentNullException(nameof(grammar));
        Reset();
    }

    /// <summary>Approximate bytes held by this matcher (its Earley sets; the compiled grammar is shared and not counted).</summary>
    public long ApproximateBytes => 64 + sets.Sum(set => 96 + (set.Items.Count * 48L)) + pool.Sum(set => 96 + (set.Items.Capacity * 16L));

    /// <summary>How many bytes have been accepted.</summary>
    public int Position => sets.Count - 1;

    /// <summary>Whether the bytes fed so far form a complete document.</summary>
    public bool IsAccepting
    {
        get
        {
            foreach (var item in sets[^1].Items)
            {
                if (item.Production == grammar.StartProduction && item.Origin == 0 && item.Dot == grammar.Rhs[item.Production].Length)
                {
                    return true;
                }
            }

            return false;
        }
    }

    /// <summary>Goes back to the start of a document.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Reset()
    {
        sets.Clear();
        var first = new EarleySet();
        first.Add(new Item(grammar.StartProduction, 0, 0));
        sets.Add(first);
        Close(0);
    }

    /// <summary>The bytes that may come next.</summary>
    /// <returns>The set (empty when the document must end here or is dead).</returns>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public ByteSet AllowedBytes()
    {
        var allowed = ByteSet.None;
        foreach (var item in sets[^1].Items)
        {
            if (Scans(item, out var symbol))
            {
                allowed = allowed.Union(CompiledGrammar.IsDfa(symbol)
                    ? grammar.Dfas[CompiledGrammar.DfaIndex(symbol)].AllowedAt(item.State)
                    : grammar.Terminals[CompiledGrammar.TerminalIndex(symbol)]);
            }
        }

        return allowed;
    }

    /// <summary>Feeds one byte.</summary>
    /// <param name="value">The byte.</param>
    /// <returns><see langword="false"/> (and no change) when the byte is not allowed here.</returns>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public bool TryAdvance(byte value)
    {
        var current = sets[^1];
        var next = pool.Count > 0 ? pool.Pop() : new EarleySet();
        foreach (var item in current.Items)
        {
            if (!Scans(item, out var symbol))
            {
                continue;
            }

            if (CompiledGrammar.IsDfa(symbol))
            {
                var state = grammar.Dfas[CompiledGrammar.DfaIndex(symbol)].Step(item.State, value);
                if (state >= 0)
                {
                    next.Add(new Item(item.Production, item.Dot, item.Origin, state));
                }
            }
            else if (grammar.Terminals[CompiledGrammar.TerminalIndex(symbol)].Contains(value))
            {
                next.Add(new Item(item.Production, item.Dot + 1, item.Origin));
            }
        }

        if (next.Items.Count == 0)
        {
            pool.Push(next);
            return false;
        }

        sets.Add(next);
        Close(sets.Count - 1);
        return true;
    }

    /// <summary>Feeds bytes, all or nothing.</summary>
    /// <param name="bytes">The bytes.</param>
    /// <returns><see langword="false"/> (and no change) when some byte is not allowed.</returns>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public bool TryAdvance(ReadOnlySpan<byte> bytes)
    {
        for (var i = 0; i < bytes.Length; i++)
        {
            if (!TryAdvance(bytes[i]))
            {
                Rollback(i);
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// The bytes the grammar forces from here: while exactly one byte is allowed and the document cannot end, that byte
    /// is certain (the rest of a fixed key, a closing quote after a literal). The matcher does not move.
    /// </summary>
    /// <param name="max">The most bytes to look ahead.</param>
    /// <returns>The forced bytes (empty when the next byte is a choice).</returns>
    public byte[] ForcedBytes(int max = 256)
    {
        var forced = new List<byte>();
        while (forced.Count < max && !IsAccepting)
        {
            var allowed = AllowedBytes();
            if (allowed.Count != 1)
            {
                break;
            }

            var value = allowed.Bytes().First();
            TryAdvance(value);
            forced.Add(value);
        }

        Rollback(forced.Count);
        return forced.ToArray();
    }

    /// <summary>Undoes the last <paramref name="bytes"/> bytes.</summary>
    /// <param name="bytes">How many bytes to undo.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Rollback(int bytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(bytes, Position);
        for (var i = 0; i < bytes; i++)
        {
            var removed = sets[^1];
            sets.RemoveAt(sets.Count - 1);
            removed.Clear();
            pool.Push(removed);
        }
    }

    /// <summary>Whether the whole input is a document of the grammar (a fresh matcher is used).</summary>
    /// <param name="grammar">The compiled grammar.</param>
    /// <param name="input">The bytes.</param>
    /// <returns>Whether it matches.</returns>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool Matches(CompiledGrammar grammar, ReadOnlySpan<byte> input)
    {
        var matcher = new GrammarMatcher(grammar);
        return matcher.TryAdvance(input) && matcher.IsAccepting;
    }

    /// <summary>Predicts and completes in the set at <paramref name="index"/> until nothing changes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Close(int index)
    {
        var set = sets[index];
        for (var i = 0; i < set.Items.Count; i++)
        {
            var item = set.Items[i];
            var rhs = grammar.Rhs[item.Production];
            if (item.Dot < rhs.Length)
            {
                var symbol = rhs[item.Dot];
                if (CompiledGrammar.IsDfa(symbol))
                {
                    // An automaton in an accepting state may end here.
                    if (grammar.Dfas[CompiledGrammar.DfaIndex(symbol)].IsAccepting(item.State))
                    {
                        set.Add(new Item(item.Production, item.Dot + 1, item.Origin));
                    }

                    continue;
                }

                if (CompiledGrammar.IsTerminal(symbol))
                {
                    continue;
                }

                foreach (var production in grammar.ProductionsOf[symbol])
                {
                    set.Add(new Item(production, 0, index));
                }

                if (grammar.Nullable[symbol])
                {
                    set.Add(new Item(item.Production, item.Dot + 1, item.Origin));
                }
            }
            else
            {
                var completed = grammar.Lhs[item.Production];
                var origin = sets[item.Origin];
                for (var j = 0; j < origin.Items.Count; j++)
                {
                    var waiting = origin.Items[j];
                    var waitingRhs = grammar.Rhs[waiting.Production];
                    if (waiting.Dot < waitingRhs.Length && waitingRhs[waiting.Dot] == completed)
                    {
                        set.Add(new Item(waiting.Production, waiting.Dot + 1, waiting.Origin));
                    }
                }
            }
        }
    }

    /// <summary>
    /// Whether one automaton is all that scans in the current state (besides what follows the automaton's end, when it
    /// may end here): inside it, the token-mask walk can step the automaton alone and consult the parser only where the
    /// automaton may end (<see cref="PushExit"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal bool SoleScannerIsAutomaton()
    {
        var automata = 0;
        var others = 0;
        var sole = default(Item);
        foreach (var item in sets[^1].Items)
        {
            if (Scans(item, out var symbol))
            {
                if (CompiledGrammar.IsDfa(symbol))
                {
                    if (Spent(item, symbol))
                    {
                        continue;
                    }

                    automata++;
                    sole = item;
                }
                else
                {
                    others++;
                }
            }
        }

        if (automata != 1)
        {
            return false;
        }

        if (others == 0)
        {
            return true;
        }

        // Items that scan beside the automaton are allowed when they are exactly what follows its end (it may end
        // here): the set after it ends holds them all, so equal counts mean the same items.
        if (!grammar.Dfas[CompiledGrammar.DfaIndex(grammar.Rhs[sole.Production][sole.Dot])].IsAccepting(sole.State))
        {
            return false;
        }

        PushExit();
        var after = 0;
        foreach (var item in sets[^1].Items)
        {
            if (Scans(item, out _))
            {
                after++;
            }
        }

        Rollback(1);
        return after == others;
    }

    /// <summary>
    /// Pushes the set that follows when the sole scanning automaton of the current state ends (see
    /// <see cref="SoleScannerIsAutomaton"/>), without the automaton going on: after any run of bytes that keeps the
    /// automaton alive and accepting, the bytes it cannot take lead where this set's do. Undo with <see cref="Rollback"/>(1).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal void PushExit()
    {
        var set = pool.Count > 0 ? pool.Pop() : new EarleySet();
        foreach (var item in sets[^1].Items)
        {
            if (Scans(item, out var symbol) && CompiledGrammar.IsDfa(symbol) && !Spent(item, symbol))
            {
                set.Add(new Item(item.Production, item.Dot + 1, item.Origin));
            }
        }

        sets.Add(set);
        Close(sets.Count - 1);
    }

    /// <summary>The automata the current state is running, with their states (for the token-mask walk).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal (ByteDfa Dfa, int State)[] RunningAutomata()
    {
        List<(ByteDfa, int)>? result = null; // most states run no automaton
        foreach (var item in sets[^1].Items)
        {
            if (Scans(item, out var symbol) && CompiledGrammar.IsDfa(symbol) && !Spent(item, symbol))
            {
                var entry = (grammar.Dfas[CompiledGrammar.DfaIndex(symbol)], item.State);
                result ??= [];
                if (!result.Contains(entry))
                {
                    result.Add(entry);
                }
            }
        }

        return result is null ? [] : result.ToArray();
    }

    /// <summary>
    /// Whether an item before an automaton can take no more bytes (a one-character lexeme just read, say): it only
    /// ended, which the set's closure already followed, so it scans nothing and does not count as a running automaton.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool Spent(in Item item, int symbol) => grammar.Dfas[CompiledGrammar.DfaIndex(symbol)].TakesNoByte(item.State);

    /// <summary>Whether the item's dot stands before a terminal (a byte set or an automaton), which it returns.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool Scans(in Item item, out int symbol)
    {
        var rhs = grammar.Rhs[item.Production];
        if (item.Dot < rhs.Length && CompiledGrammar.IsTerminal(rhs[item.Dot]))
        {
            symbol = rhs[item.Dot];
            return true;
        }

        symbol = 0;
        return false;
    }
}
