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

    /// <summary>
    /// A canonical id of the parser state: equal ids mean equal futures (the same bytes are allowed from here on, and
    /// the same ones complete the document), whatever the history. Built from the current set's pending items, with
    /// each origin replaced by the id of the set it points to.
    /// </summary>
    internal int StateId(StateInterner interner) => SetId(sets.Count - 1, interner);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int SetId(int index, StateInterner interner)
    {
        var set = sets[index];
        if (set.CanonicalId is { } known)
        {
            return known;
        }

        // The origins' ids first (SetId recurses into them), then this set's key in the shared scratch, which no
        // recursive call touches any more: a state met before is found without allocating.
        var items = set.Items;
        var live = 0;
        for (var i = 0; i < items.Count; i++)
        {
            var item = items[i];
            if (Pending(item))
            {
                live++;
                if (item.Origin != index)
                {
                    SetId(item.Origin, interner);
                }
            }
        }

        if (keyScratch.Length < live)
        {
            keyScratch = new Key[Math.Max(live, keyScratch.Length * 2)];
        }

        var keys = keyScratch.AsSpan(0, live);
        var n = 0;
        for (var i = 0; i < items.Count; i++)
        {
            var item = items[i];
            if (Pending(item))
            {
                keys[n++] = new Key(item.Production, item.Dot, item.State, item.Origin == index ? -1 : sets[item.Origin].CanonicalId!.Value);
            }
        }

        SortKeys(keys);
        var key = System.Runtime.InteropServices.MemoryMarshal.Cast<Key, int>(keys);
        var id = interner.Intern(key);
        set.CanonicalId = id;
        return id;
    }

    /// <summary>
    /// Whether an item has a future of its own: not complete, and not a spent automaton item (the closure already
    /// followed its end), so states that differ only in how a lexeme's last character was spelled are one state.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool Pending(in Item item) =>
        item.Dot < grammar.Rhs[item.Production].Length && !(Scans(item, out var symbol) && CompiledGrammar.IsDfa(symbol) && Spent(item, symbol));

    /// <summary>
    /// Sorts a state's key records. Most keys hold a few items, and an insertion sort here runs fully optimized from
    /// the first call, where the framework's sort over this struct would run unoptimized code in a young process.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void SortKeys(Span<Key> keys)
    {
        if (keys.Length > 48)
        {
            keys.Sort();
            return;
        }

        for (var i = 1; i < keys.Length; i++)
        {
            var current = keys[i];
            var j = i - 1;
            while (j >= 0 && keys[j].CompareTo(current) > 0)
            {
                keys[j + 1] = keys[j];
                j--;
            }

            keys[j + 1] = current;
        }
    }

    // Scratch of SetId: the pending items of the set being named, as key records (four ints each, in this order).
    private Key[] keyScratch = new Key[32];

    /// <summary>One pending item in a state's key, ordered field by field.</summary>
    private readonly record struct Key(int Production, int Dot, int State, int Origin) : IComparable<Key>
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public int CompareTo(Key other) =>
            Production != other.Production ? Production.CompareTo(other.Production)
            : Dot != other.Dot ? Dot.CompareTo(other.Dot)
            : State != other.State ? State.CompareTo(other.State)
            : Origin.CompareTo(other.Origin);
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

    /// <summary>An Earley item; <see cref="State"/> is the automaton state when the dot stands before an automaton terminal.</summary>
    private readonly record struct Item(int Production, int Dot, int Origin, int State = 0);

    /// <summary>
    /// An Earley set: its items in order, deduplicated through an open-addressing table whose slots are stamped with a
    /// generation, so clearing a pooled set costs nothing however large it once grew.
    /// </summary>
    private sealed class EarleySet
    {
        private Item[] slots = new Item[32];
        private int[] stamps = new int[32];
        private int generation = 1;

        public List<Item> Items { get; } = [];

        public int? CanonicalId { get; set; }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Clear()
        {
            Items.Clear();
            CanonicalId = null;
            if (++generation == int.MaxValue)
            {
                Array.Clear(stamps);
                generation = 1;
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Add(Item item)
        {
            if ((Items.Count + 1) * 2 > slots.Length)
            {
                Grow();
            }

            if (Insert(item))
            {
                Items.Add(item);
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private bool Insert(Item item)
        {
            var mask = slots.Length - 1;
            var i = Hash(item) & mask;
            while (stamps[i] == generation)
            {
                if (slots[i] == item)
                {
                    return false;
                }

                i = (i + 1) & mask;
            }

            stamps[i] = generation;
            slots[i] = item;
            return true;
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void Grow()
        {
            slots = new Item[slots.Length * 2];
            stamps = new int[stamps.Length * 2];
            generation = 1;
            foreach (var item in Items)
            {
                Insert(item);
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static int Hash(in Item item)
        {
            var h = (uint)item.Production * 0x9E3779B1u;
            h = (h ^ (uint)item.Dot) * 0x85EBCA77u;
            h = (h ^ (uint)item.Origin) * 0xC2B2AE3Du;
            h = (h ^ (uint)item.State) * 0x27D4EB2Fu;
            return (int)(h ^ (h >> 15));
        }
    }
}
