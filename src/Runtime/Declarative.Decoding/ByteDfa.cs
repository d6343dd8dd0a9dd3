using System.Runtime.CompilerServices;

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
