using System.Runtime.CompilerServices;
using System.Text;
using Declarative.Grammars;

namespace Declarative.Decoding;

/// <summary>
/// A deterministic automaton over bytes for a regular part of a grammar (the inside of a JSON string, a run of digits,
/// a pattern). The matcher runs it as one terminal, and the token-mask walk can accept a whole trie subtree at once
/// when every path below stays inside the automaton.
/// </summary>
internal sealed partial class ByteDfa
{
    /// <summary>The most states an automaton may grow to (rows are built as matching reaches them).</summary>
    internal const int MaxStates = 1 << 16;

    private readonly Nfa nfa;
    private readonly int end;
    private readonly Lock gate = new();
    private readonly Dictionary<StateSet, int> ids = [];

    // The state reached from each (sorted) set of NFA targets met by a row, before their closure; and the scratch
    // lists of Row (which runs under the gate).
    private readonly Dictionary<StateSet, int> byTargets = [];
    private int[] rowStart = [];
    private int[] rowFill = [];
    private int[] rowFlat = new int[64];
    private readonly List<(int Start, int Length, int State)> rowMet = [];
    private int[] rowByClass = [];
    private readonly List<int[]> sets = [];
    private int[]?[] rows = new int[]?[8];
    private bool[] accepting = new bool[8];
    private bool[] moves = new bool[8];
    private ByteSet[] allowed = new ByteSet[8];
    private int[] witnessLoop = new int[8];

    private ByteDfa(Nfa nfa, int start, int end)
    {
        this.nfa = nfa;
        this.end = end;

        // Bytes no edge tells apart form one class: a row is computed once per class, not once per byte.
        var boundary = new bool[257];
        boundary[0] = true;
        foreach (var (first, last, _) in nfa.AllEdges)
        {
            boundary[first] = true;
            boundary[last + 1] = true;
        }

        classOf = new byte[256];
        var representatives = new List<byte>();
        for (var b = 0; b < 256; b++)
        {
            if (boundary[b])
            {
                representatives.Add((byte)b);
            }

            classOf[b] = (byte)(representatives.Count - 1);
        }

        classRepresentative = representatives.ToArray();
        classBytes = new ByteSet[classRepresentative.Length];
        for (var k = 0; k < classBytes.Length; k++)
        {
            var last = k + 1 < classBytes.Length ? classRepresentative[k + 1] - 1 : 255;
            classBytes[k] = ByteSet.Range(classRepresentative[k], (byte)last);
        }

        Intern(nfa.Closure([start]));
    }

    /// <summary>For each byte, its class: bytes of one class lead every state to the same place.</summary>
    private readonly byte[] classOf;

    /// <summary>The bytes of each class.</summary>
    private readonly ByteSet[] classBytes;

    /// <summary>The first byte of each class.</summary>
    private readonly byte[] classRepresentative;

    /// <summary>How many states have been built so far (the automaton grows as matching reaches new states).</summary>
    public int StateCount
    {
        get
        {
            lock (gate)
            {
                return sets.Count;
            }
        }
    }

    /// <summary>Approximate bytes held: the NFA's edges and the states and rows built so far.</summary>
    public long ApproximateBytes
    {
        get
        {
            lock (gate)
            {
                var rowsBuilt = 0;
                for (var q = 0; q < sets.Count; q++)
                {
                    rowsBuilt += rows[q] is null ? 0 : 1;
                }

                return nfa.ApproximateBytes + sets.Sum(set => 48L + (set.Length * 4L)) + (rowsBuilt * 1048L);
            }
        }
    }

    /// <summary>Whether the automaton may stop in <paramref name="state"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool IsAccepting(int state) => Volatile.Read(ref accepting)[state];

    /// <summary>
    /// Whether the automaton can take no byte from <paramref name="state"/> (it can only end): known from its NFA
    /// states when the state is made, without building its row.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TakesNoByte(int state) => !Volatile.Read(ref moves)[state];

    /// <summary>The bytes that keep the automaton alive from <paramref name="state"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public ByteSet AllowedAt(int state)
    {
        if (Volatile.Read(ref rows)[state] is null)
        {
            Row(state);
        }

        return Volatile.Read(ref allowed)[state];
    }

    /// <summary>The 256 transitions of a state (-1 where the automaton dies); the caller must not change them.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int[] RowOf(int state) => Volatile.Read(ref rows)[state] ?? Row(state);

    /// <summary>The state after <paramref name="value"/>, or -1 when the automaton dies.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Step(int state, byte value) => (Volatile.Read(ref rows)[state] ?? Row(state))[value];

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<BuildKey, ByteDfa?> Built = new();
    private static int builtCount;

    /// <summary>Builds (or reuses) the automaton of a regular node, or returns null when the node is not regular or too large.</summary>
    /// <param name="node">The node.</param>
    /// <param name="rule">The bodies of the rules it may refer to.</param>
    /// <param name="inlinedRules">Rule bodies already inlined (by name), kept by a caller that builds many automata from one grammar.</param>
    public static ByteDfa? TryBuild(GrammarNode node, Func<string, GrammarNode?> rule, Dictionary<string, GrammarNode?>? inlinedRules = null)
    {
        // The key is the node with the bodies of the rules it reaches, compared by structure (hashes are cached in the
        // nodes), so an automaton built once is found again without inlining anything.
        var reached = new SortedDictionary<string, GrammarNode>(StringComparer.Ordinal);
        var pending = new Stack<GrammarNode>();
        pending.Push(node);
        while (pending.Count > 0)
        {
            foreach (var name in Grammar.References(pending.Pop()))
            {
                if (!reached.ContainsKey(name))
                {
                    if (rule(name) is not { } body)
                    {
                        return null;
                    }

                    reached[name] = body;
                    pending.Push(body);
                }
            }
        }

        var key = new BuildKey(node, reached.ToArray());
        if (Built.TryGetValue(key, out var known))
        {
            return known;
        }

        // A bounded memo: cleared when it grows large, since grammars with many distinct patterns are rare.
        if (Interlocked.Increment(ref builtCount) > 4096)
        {
            Built.Clear();
            Interlocked.Exchange(ref builtCount, 0);
        }

        var inlined = Inline(node, rule, new HashSet<string>(StringComparer.Ordinal), inlinedRules);
        return Built.GetOrAdd(key, _ => inlined is null ? null : Build(inlined, maxNfaStates: 4096));
    }

    /// <summary>A node and the bodies of the rules it reaches: equal keys denote the same language.</summary>
    private readonly struct BuildKey : IEquatable<BuildKey>
    {
        private readonly GrammarNode node;
        private readonly KeyValuePair<string, GrammarNode>[] rules;
        private readonly int hash;

        public BuildKey(GrammarNode node, KeyValuePair<string, GrammarNode>[] rules)
        {
            this.node = node;
            this.rules = rules;
            var h = new HashCode();
            h.Add(node);
            foreach (var (name, body) in rules)
            {
                h.Add(name);
                h.Add(body);
            }

            hash = h.ToHashCode();
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public bool Equals(BuildKey other)
        {
            if (hash != other.hash || rules.Length != other.rules.Length || !node.Equals(other.node))
            {
                return false;
            }

            for (var i = 0; i < rules.Length; i++)
            {
                if (rules[i].Key != other.rules[i].Key || !rules[i].Value.Equals(other.rules[i].Value))
                {
                    return false;
                }
            }

            return true;
        }

        public override bool Equals(object? obj) => obj is BuildKey other && Equals(other);

        public override int GetHashCode() => hash;
    }

    /// <summary>
    /// Builds the automaton of a node whose rules recurse only at their ends (right-linear rules, such as the digit
    /// automaton of <c>multipleOf</c>), or returns null when the node is not regular or too large. Not shared across
    /// grammars: such rules are specific to their grammar.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static ByteDfa? TryBuildRecursive(GrammarNode node, Func<string, GrammarNode?> rule)
    {
        var nfa = new Nfa(4096);
        var start = nfa.NewState();
        var end = nfa.NewState();
        return nfa.Build(node, start, end, rule, new HashSet<string>(StringComparer.Ordinal)) ? new ByteDfa(nfa, start, end) : null;
    }

    /// <summary>The node with its rule references replaced by their bodies, or null when a reference is recursive.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static GrammarNode? Inline(GrammarNode node, Func<string, GrammarNode?> rule, HashSet<string> expanding, Dictionary<string, GrammarNode?>? inlinedRules)
    {
        switch (node)
        {
            case RuleRefNode reference:
                if (inlinedRules is not null && inlinedRules.TryGetValue(reference.Name, out var known))
                {
                    return known;
                }

                if (!expanding.Add(reference.Name) || rule(reference.Name) is not { } body)
                {
                    return null;
                }

                var inlined = Inline(body, rule, expanding, inlinedRules);
                expanding.Remove(reference.Name);
                if (inlinedRules is not null)
                {
                    inlinedRules[reference.Name] = inlined;
                }

                return inlined;
            case SequenceNode sequence:
                var items = sequence.Items.Select(i => Inline(i, rule, expanding, inlinedRules)).ToList();
                return items.Any(i => i is null) ? null : Unchanged(sequence.Items, items) ? node : GrammarNode.Seq(items!);
            case ChoiceNode choice:
                var alternatives = choice.Alternatives.Select(a => Inline(a, rule, expanding, inlinedRules)).ToList();
                return alternatives.Any(a => a is null) ? null : Unchanged(choice.Alternatives, alternatives) ? node : GrammarNode.Choice(alternatives!);
            case RepeatNode repeat:
                return Inline(repeat.Item, rule, expanding, inlinedRules) is { } item
                    ? ReferenceEquals(item, repeat.Item) ? node : GrammarNode.Repeat(item, repeat.Min, repeat.Max)
                    : null;
            default:
                return node;
        }
    }

    /// <summary>Whether inlining left every child as it was (then the node itself is kept, not rebuilt).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool Unchanged(IReadOnlyList<GrammarNode> before, List<GrammarNode?> after)
    {
        for (var i = 0; i < before.Count; i++)
        {
            if (!ReferenceEquals(before[i], after[i]))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Builds the automaton's NFA; its deterministic states are made lazily (a row of 256 transitions when a state is
    /// first stepped from), so a large regular part costs only the states matching and masks actually reach.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static ByteDfa? Build(GrammarNode node, int maxNfaStates)
    {
        Func<string, GrammarNode?> rule = _ => null;
        var nfa = new Nfa(maxNfaStates);
        var start = nfa.NewState();
        var end = nfa.NewState();
        return nfa.Build(node, start, end, rule, new HashSet<string>(StringComparer.Ordinal)) ? new ByteDfa(nfa, start, end) : null;
    }

    private static readonly object NoWitness = new();

    // The X* automaton (or NoWitness) by X, compared by structure: every new key automaton of a schema asks for the
    // same few, and finding them here skips gathering the rules X reaches and the build key of X*.
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<GrammarNode, object> WitnessByItem = new();

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static object WitnessOf(GrammarNode item)
    {
        if (WitnessByItem.TryGetValue(item, out var known))
        {
            return known;
        }

        // Bounded like the automata themselves: cleared when it grows large.
        if (WitnessByItem.Count > 4096)
        {
            WitnessByItem.Clear();
        }

        // X* on its own (X may hold rule references only in grammar-specific automata, which have no shared X*).
        return WitnessByItem.GetOrAdd(item, static x => TryBuild(GrammarNode.Star(x), _ => null) ?? NoWitness);
    }
    private object?[]? witnesses;

    /// <summary>
    /// An automaton whose start state is alive on no more than <paramref name="state"/> is: the shared automaton of an
    /// X* that the state stands at the loop of (every string of X*, and every prefix of one, keeps this automaton alive
    /// from there), which may be this automaton itself when it is that X*. Facts known for the witness carry over, so
    /// the inside of a string in a larger automaton reuses what the plain string automaton learned once per vocabulary.
    /// Null when there is none.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public ByteDfa? Witness(int state)
    {
        var loop = Volatile.Read(ref witnessLoop)[state];
        if (loop < 0)
        {
            return null;
        }

        var known = Volatile.Read(ref witnesses) ?? Interlocked.CompareExchange(ref witnesses, new object?[nfa.Loops.Count], null) ?? witnesses!;
        var witness = Volatile.Read(ref known[loop]);
        if (witness is null)
        {
            witness = WitnessOf(nfa.Loops[loop].Item);
            Volatile.Write(ref known[loop], witness);
        }

        return witness as ByteDfa;
    }

    private System.Collections.Concurrent.ConcurrentDictionary<(int State, int WitnessState, int Loop, ByteDfa Witness), bool>? loops;

    /// <summary>
    /// Whether, from <paramref name="state"/>, this automaton runs in step with the X* automaton
    /// <paramref name="witness"/> (which it takes): every string the witness takes to an accepting state (whole X
    /// strings) brings this automaton back to <paramref name="state"/>; a byte the witness refuses in the middle of an X
    /// kills this automaton too; and this automaton accepts nowhere along the way. Then what follows the inside depends
    /// only on the bytes from the first byte the witness refuses at an accepting state on, so a walk may skip the
    /// inside (see <see cref="TokenTrie.BreakTrie"/>). The automaton may end where the witness has read whole X strings
    /// when <paramref name="state"/> itself may end (the X* of a string's inside, whose closing quote follows it); the
    /// caller then checks that what follows the end begins with a byte the witness refuses. Computed once per state and
    /// witness (over the product of both).
    /// </summary>
    public bool RunsInStepWith(int state, ByteDfa witness) => InStepFrom(state, 0, state, witness);

    /// <summary>
    /// <see cref="RunsInStepWith"/> from a state met partway: this automaton in <paramref name="state"/> while the
    /// witness is in <paramref name="witnessState"/> (inside a character, say), whole X strings bringing this automaton
    /// to a state equivalent to <paramref name="loop"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public bool InStepFrom(int state, int witnessState, int loop, ByteDfa witness)
    {
        var known = Volatile.Read(ref loops) ?? Interlocked.CompareExchange(ref loops, new(), null) ?? loops!;
        return known.GetOrAdd((state, witnessState, loop, witness), [MethodImpl(MethodImplOptions.AggressiveOptimization)] static (key, self) => self.CheckInStep(key.State, key.WitnessState, key.Loop, key.Witness), this);
    }

    private System.Collections.Concurrent.ConcurrentDictionary<ByteDfa, byte[]>? jointClasses;

    /// <summary>
    /// The first byte of each run of bytes that neither this automaton nor <paramref name="other"/> tells apart (the
    /// classes of both, intersected): walks over the product of the two step once per run, not once per byte.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private byte[] JointRepresentatives(ByteDfa other)
    {
        var known = Volatile.Read(ref jointClasses) ?? Interlocked.CompareExchange(ref jointClasses, new(), null) ?? jointClasses!;
        return known.GetOrAdd(other, [MethodImpl(MethodImplOptions.AggressiveOptimization)] static (o, self) =>
        {
            var firsts = new List<byte> { 0 };
            for (var b = 1; b < 256; b++)
            {
                if (self.classOf[b] != self.classOf[b - 1] || o.classOf[b] != o.classOf[b - 1])
                {
                    firsts.Add((byte)b);
                }
            }

            return firsts.ToArray();
        }, this);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool CheckInStep(int state, int witnessState, int loop, ByteDfa witness)
    {
        var scratch = ProductScratch.Rent();
        try
        {
            return CheckInStep(state, witnessState, loop, witness, scratch.Seen, scratch.Pending);
        }
        finally
        {
            ProductScratch.Return(scratch);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool CheckInStep(int state, int witnessState, int loop, ByteDfa witness, HashSet<(int W, int D)> seen, Stack<(int W, int D)> pending)
    {
        var joint = JointRepresentatives(witness);
        seen.Add((witnessState, state));
        pending.Push((witnessState, state));
        while (pending.Count > 0)
        {
            var (w, d) = pending.Pop();
            var whole = witness.IsAccepting(w);
            // Whole X strings bring it back to (a copy of) the state; it may end only there (when the state itself may end).
            if ((whole && !Equivalent(d, loop)) || (!whole && IsAccepting(d)))
            {
                return false;
            }

            // Met partway (a character's first byte read), once the X is whole both stand where the loop itself starts
            // (up to equivalent states): what follows is the loop's own check, made once and shared by every such start.
            if (whole && (state != loop || witnessState != 0) && witness.Equivalent(w, 0))
            {
                if (!InStepFrom(loop, 0, loop, witness))
                {
                    return false;
                }

                continue;
            }

            foreach (var b in joint)
            {
                var w2 = witness.Step(w, b);
                var d2 = Step(d, b);
                if (w2 < 0)
                {
                    if (!whole && d2 >= 0)
                    {
                        return false; // the witness dies inside an X where this automaton goes on
                    }

                    continue;
                }

                if (d2 < 0)
                {
                    return false; // not a witness of this state after all
                }

                if (seen.Add((w2, d2)))
                {
                    if (seen.Count > 4096)
                    {
                        return false;
                    }

                    pending.Push((w2, d2));
                }
            }
        }

        return true;
    }

    private System.Collections.Concurrent.ConcurrentDictionary<(int State, int WitnessState, ByteDfa Witness), bool>? completions;

    /// <summary>
    /// Whether, from <paramref name="state"/>, this automaton reads the rest of one X of the X* automaton
    /// <paramref name="witness"/> (standing in <paramref name="witnessState"/>, inside an X) in step with it and then
    /// stops: it dies where the witness dies, it cannot end before the X is whole, and where the X is whole it can
    /// only end (it takes no more bytes). The first character of a key whose later characters run in the shared string
    /// automaton, say: after it, the parser is where any other first character leads. Computed once per state and
    /// witness (over the product of both).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public bool CompletesInStepWith(int state, int witnessState, ByteDfa witness)
    {
        var known = Volatile.Read(ref completions) ?? Interlocked.CompareExchange(ref completions, new(), null) ?? completions!;
        return known.GetOrAdd((state, witnessState, witness), [MethodImpl(MethodImplOptions.AggressiveOptimization)] static (key, self) => self.CheckCompletes(key.State, key.WitnessState, key.Witness), this);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool CheckCompletes(int state, int witnessState, ByteDfa witness)
    {
        var scratch = ProductScratch.Rent();
        try
        {
            return CheckCompletes(state, witnessState, witness, scratch.Seen, scratch.Pending);
        }
        finally
        {
            ProductScratch.Return(scratch);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool CheckCompletes(int state, int witnessState, ByteDfa witness, HashSet<(int W, int D)> seen, Stack<(int W, int D)> pending)
    {
        var joint = JointRepresentatives(witness);
        seen.Add((witnessState, state));
        pending.Push((witnessState, state));
        while (pending.Count > 0)
        {
            var (w, d) = pending.Pop();
            if (witness.IsAccepting(w))
            {
                if (!IsAccepting(d) || !TakesNoByte(d))
                {
                    return false;
                }

                continue;
            }

            if (IsAccepting(d))
            {
                return false;
            }

            foreach (var b in joint)
            {
                var w2 = witness.Step(w, b);
                var d2 = Step(d, b);
                if ((w2 < 0) != (d2 < 0))
                {
                    return false;
                }

                if (w2 >= 0 && seen.Add((w2, d2)))
                {
                    if (seen.Count > 4096)
                    {
                        return false;
                    }

                    pending.Push((w2, d2));
                }
            }
        }

        return true;
    }

    private System.Collections.Concurrent.ConcurrentDictionary<(int State, ByteDfa Witness, int MaxCount), int[]?>? counting;

    /// <summary>
    /// When, from <paramref name="state"/>, this automaton reads whole X characters of the X* automaton
    /// <paramref name="witness"/> only counting them (a string of bounded length): the state after <c>c</c> characters
    /// (each written <c>a</c>), for every <c>c</c> up to the budget it allows (less than <paramref name="maxCount"/>, the
    /// most characters any token holds: a larger budget bounds nothing).
    /// Checked over the product of both automata: after any <c>c</c> whole characters this automaton is in a state
    /// equivalent to the <c>c</c>-th; it takes a character exactly when the budget allows one more; it dies where the
    /// witness dies inside a character; it may end only between characters. Null when that does not hold.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public int[]? CountingSteps(int state, ByteDfa witness, int maxCount)
    {
        var known = Volatile.Read(ref counting) ?? Interlocked.CompareExchange(ref counting, new(), null) ?? counting!;
        return known.GetOrAdd((state, witness, maxCount), [MethodImpl(MethodImplOptions.AggressiveOptimization)] static (key, self) => self.CheckCounting(key.State, key.Witness, key.MaxCount), this);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int[]? CheckCounting(int state, ByteDfa witness, int maxCount)
    {
        var steps = new List<int> { state };
        while (steps.Count <= maxCount && Step(steps[^1], (byte)'a') is var next and >= 0)
        {
            steps.Add(next);
        }

        var budget = steps.Count - 1;
        if (budget >= maxCount)
        {
            return null; // not bounded within any token: nothing to gain over the plain walk, and costly to check
        }

        var joint = JointRepresentatives(witness);
        var seen = new HashSet<(int W, int D, int C)> { (0, state, 0) };
        var pending = new Stack<(int W, int D, int C)>();
        pending.Push((0, state, 0));
        while (pending.Count > 0)
        {
            var (w, d, c) = pending.Pop();
            var whole = witness.IsAccepting(w);
            if (whole ? !Equivalent(d, steps[c]) : IsAccepting(d))
            {
                return null;
            }

            foreach (var b in joint)
            {
                var w2 = witness.Step(w, b);
                var d2 = Step(d, b);
                if (w2 < 0)
                {
                    if (!whole && d2 >= 0)
                    {
                        return null;
                    }

                    continue;
                }

                // The character in progress is the (c + 1)-th: taken exactly when the budget allows it.
                if ((d2 >= 0) != (c + 1 <= budget))
                {
                    if (d2 >= 0 && c + 1 > maxCount)
                    {
                        continue; // beyond any token's length: nothing to check
                    }

                    return null;
                }

                var c2 = witness.IsAccepting(w2) ? c + 1 : c;
                if (d2 >= 0 && c2 <= maxCount && seen.Add((w2, d2, c2)))
                {
                    if (seen.Count > 4096)
                    {
                        return null;
                    }

                    pending.Push((w2, d2, c2));
                }
            }
        }

        return [.. steps];
    }

    /// <summary>
    /// Whether two states accept the same strings (the automaton is not minimized: a loop may come back to a copy of
    /// its state). Checked over the pairs of states both reach, up to a bound (beyond it: not known, so false).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public bool Equivalent(int x, int y)
    {
        if (x == y || SameMoves(x, y))
        {
            return true;
        }

        var seen = new HashSet<(int, int)> { (x, y) };
        var pending = new Stack<(int, int)>();
        pending.Push((x, y));
        while (pending.Count > 0)
        {
            var (a, b) = pending.Pop();
            if (IsAccepting(a) != IsAccepting(b))
            {
                return false;
            }

            var rowA = RowOf(a);
            var rowB = RowOf(b);
            foreach (var v in classRepresentative)
            {
                var (na, nb) = (rowA[v], rowB[v]);
                if ((na < 0) != (nb < 0))
                {
                    return false;
                }

                if (na >= 0 && na != nb && !SameMoves(na, nb) && seen.Add((na, nb)))
                {
                    if (seen.Count > 4096)
                    {
                        return false;
                    }

                    pending.Push((na, nb));
                }
            }
        }

        return true;
    }

    /// <summary>
    /// Whether two states hold the same NFA states that read bytes and agree on accepting (a copy of a loop state that
    /// also holds the spent end of an alternative, say): then their rows are the same, and so are their futures.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool SameMoves(int x, int y)
    {
        if (IsAccepting(x) != IsAccepting(y))
        {
            return false;
        }

        lock (gate)
        {
            var (a, b) = (sets[x], sets[y]);
            int i = 0, j = 0;
            while (true)
            {
                while (i < a.Length && nfa.EdgesOf(a[i]).IsEmpty)
                {
                    i++;
                }

                while (j < b.Length && nfa.EdgesOf(b[j]).IsEmpty)
                {
                    j++;
                }

                if (i == a.Length || j == b.Length)
                {
                    return i == a.Length && j == b.Length;
                }

                if (a[i] != b[j])
                {
                    return false;
                }

                i++;
                j++;
            }
        }
    }

    /// <summary>The id of a set of NFA states, made when new. Called under the gate (or from the constructor).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int Intern(int[] states)
    {
        var key = new StateSet(states);
        if (ids.TryGetValue(key, out var id))
        {
            return id;
        }

        id = sets.Count;
        if (id >= MaxStates)
        {
            throw new GrammarException($"a regular part of the grammar needs more than {MaxStates} automaton states; simplify the pattern or bound its repetitions.");
        }

        if (id == rows.Length)
        {
            // Grow by copying; readers holding the old arrays still find every state they were given.
            var size = id * 2;
            var newAccepting = new bool[size];
            var newMoves = new bool[size];
            Array.Copy(moves, newMoves, id);
            Volatile.Write(ref moves, newMoves);
            var newAllowed = new ByteSet[size];
            var newRows = new int[]?[size];
            var newWitnessLoop = new int[size];
            Array.Copy(witnessLoop, newWitnessLoop, id);
            Volatile.Write(ref witnessLoop, newWitnessLoop);
            Array.Copy(accepting, newAccepting, id);
            Array.Copy(allowed, newAllowed, id);
            Array.Copy(rows, newRows, id);
            Volatile.Write(ref accepting, newAccepting);
            Volatile.Write(ref allowed, newAllowed);
            Volatile.Write(ref rows, newRows);
        }

        accepting[id] = Array.BinarySearch(states, end) >= 0;
        var anyEdge = false;
        foreach (var s in states)
        {
            if (!nfa.EdgesOf(s).IsEmpty)
            {
                anyEdge = true;
                break;
            }
        }

        moves[id] = anyEdge;
        witnessLoop[id] = -1;
        for (var loop = 0; loop < nfa.Loops.Count; loop++)
        {
            if (Array.BinarySearch(states, nfa.Loops[loop].State) >= 0)
            {
                witnessLoop[id] = loop;
                break;
            }
        }

        sets.Add(states);
        ids[key] = id;
        return id;
    }

    /// <summary>Builds the row of a state: its 256 transitions, bytes with the same NFA targets sharing one closure.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int[] Row(int state)
    {
        lock (gate)
        {
            if (rows[state] is { } done)
            {
                return done;
            }

            var members = sets[state];
            var classes = classRepresentative.Length;
            var byClass = rowByClass.Length >= classes ? rowByClass : rowByClass = new int[classes];

            // The NFA targets of each class, gathered in one pass over the members' edges (an edge covers a run of
            // classes), in member and edge order: counted first, then laid out class after class.
            var start = rowStart.Length > classes ? rowStart : rowStart = new int[classes + 1];
            Array.Clear(start, 0, classes + 1);
            foreach (var s in members)
            {
                foreach (var (first, last, _) in nfa.EdgesOf(s))
                {
                    for (int k = classOf[first], end = classOf[last]; k <= end; k++)
                    {
                        start[k + 1]++;
                    }
                }
            }

            for (var k = 0; k < classes; k++)
            {
                start[k + 1] += start[k];
            }

            if (rowFlat.Length < start[classes])
            {
                rowFlat = new int[Math.Max(start[classes], rowFlat.Length * 2)];
            }

            var flat = rowFlat;
            var fill = rowFill.Length >= classes ? rowFill : rowFill = new int[classes];
            Array.Copy(start, fill, classes);
            foreach (var s in members)
            {
                foreach (var (first, last, to) in nfa.EdgesOf(s))
                {
                    for (int k = classOf[first], end = classOf[last]; k <= end; k++)
                    {
                        flat[fill[k]++] = to;
                    }
                }
            }

            var met = rowMet;
            met.Clear();
            for (var k = 0; k < classes; k++)
            {
                var gathered = flat.AsSpan(start[k], start[k + 1] - start[k]);
                if (gathered.IsEmpty)
                {
                    byClass[k] = -1;
                    continue;
                }

                // Most classes of a row lead to the same few NFA targets (gathered in the same order), and rows of other
                // states to the same ones again: each list is looked up once per row and closed once per automaton.
                var id = -1;
                foreach (var (metStart, metLength, known) in met)
                {
                    if (gathered.SequenceEqual(flat.AsSpan(metStart, metLength)))
                    {
                        id = known;
                        break;
                    }
                }

                if (id < 0)
                {
                    var key = gathered.ToArray();
                    Array.Sort(key);
                    var targetSet = new StateSet(key);
                    if (!byTargets.TryGetValue(targetSet, out id))
                    {
                        id = Intern(nfa.Closure(key));
                        byTargets[targetSet] = id;
                    }

                    met.Add((start[k], gathered.Length, id));
                }

                byClass[k] = id;
            }

            var row = new int[256];
            for (var b = 0; b < 256; b++)
            {
                row[b] = byClass[classOf[b]];
            }

            var set = ByteSet.None;
            for (var k = 0; k < classes; k++)
            {
                if (byClass[k] >= 0)
                {
                    set = set.Union(classBytes[k]);
                }
            }

            allowed[state] = set;
            Volatile.Write(ref rows[state], row);
            return row;
        }
    }

    /// <summary>A sorted set of NFA states compared by content.</summary>
    private readonly struct StateSet : IEquatable<StateSet>
    {
        private readonly int hash;

        public StateSet(int[] states)
        {
            States = states;
            var h = new HashCode();
            foreach (var s in states)
            {
                h.Add(s);
            }

            hash = h.ToHashCode();
        }

        public int[] States { get; }

        public bool Equals(StateSet other) => hash == other.hash && States.AsSpan().SequenceEqual(other.States);

        public override bool Equals(object? obj) => obj is StateSet other && Equals(other);

        public override int GetHashCode() => hash;
    }

    /// <summary>
    /// The visited pairs and the pending stack of a walk over the product of two automata, kept per thread and reused:
    /// each new automaton of a schema runs several such walks. A walk that starts another (a check met partway asks the
    /// loop's own) rents a second one.
    /// </summary>
    private sealed class ProductScratch
    {
        [ThreadStatic]
        private static Stack<ProductScratch>? free;

        public HashSet<(int W, int D)> Seen { get; } = [];

        public Stack<(int W, int D)> Pending { get; } = new();

        public static ProductScratch Rent() => free is { Count: > 0 } pool ? pool.Pop() : new ProductScratch();

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static void Return(ProductScratch scratch)
        {
            scratch.Seen.Clear();
            scratch.Pending.Clear();
            (free ??= new()).Push(scratch);
        }
    }
}
