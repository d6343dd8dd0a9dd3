using System.Runtime.CompilerServices;
using Declarative.Grammars;

namespace Declarative.Decoding;

/// <summary>
/// A grammar compiled to a context-free grammar over byte-set terminals (literals and UTF-8 character classes turned
/// into bytes, repetitions into rules). Immutable and shared by any number of concurrent <see cref="GrammarMatcher"/>s.
/// </summary>
public sealed partial class CompiledGrammar
{
    /// <summary>Symbols at or below this value are automaton terminals (<see cref="Dfas"/>).</summary>
    internal const int DfaSymbolBase = -(1 << 30);

    private CompiledGrammar(int[] lhs, int[][] rhs, ByteSet[] terminals, ByteDfa[] dfas, int nonterminals, int start)
    {
        Lhs = lhs;
        Rhs = rhs;
        Terminals = terminals;
        Dfas = dfas;
        NonterminalCount = nonterminals;
        StartProduction = start;
        ProductionsOf = new int[nonterminals][];
        var lists = Enumerable.Range(0, nonterminals).Select(_ => new List<int>()).ToArray();
        for (var p = 0; p < lhs.Length; p++)
        {
            lists[lhs[p]].Add(p);
        }

        for (var n = 0; n < nonterminals; n++)
        {
            ProductionsOf[n] = lists[n].ToArray();
        }

        Nullable = ComputeNullable();
    }

    internal int[] Lhs { get; }

    internal int[][] Rhs { get; }

    internal ByteSet[] Terminals { get; }

    /// <summary>Automata for the regular repetitions of the grammar (matched as one terminal each).</summary>
    internal ByteDfa[] Dfas { get; }

    internal int NonterminalCount { get; }

    internal int StartProduction { get; }

    internal int[][] ProductionsOf { get; }

    internal bool[] Nullable { get; }

    private ShortestStrings? shortest;

    /// <summary>The shortest strings of the grammar's symbols (made on first use).</summary>
    internal ShortestStrings Shortest => Volatile.Read(ref shortest) ?? Interlocked.CompareExchange(ref shortest, new ShortestStrings(this), null) ?? shortest!;

    /// <summary>The number of productions (a measure of size).</summary>
    public int ProductionCount => Lhs.Length;

    /// <summary>
    /// Approximate bytes held by the compiled grammar: its productions and terminals, and its automata as they stand now
    /// (automata grow as matching reaches new states, and equal automata are shared with other grammars).
    /// </summary>
    public long ApproximateBytes => (Lhs.Length * 4L) + Rhs.Sum(r => 24L + (r.Length * 4L)) + (Terminals.Length * 32L) + (NonterminalCount * 30L) + Dfas.Sum(d => d.ApproximateBytes);

    /// <summary>Compiles a grammar.</summary>
    /// <param name="grammar">The grammar.</param>
    /// <returns>The compiled grammar.</returns>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static CompiledGrammar Compile(Grammar grammar)
    {
        ArgumentNullException.ThrowIfNull(grammar);
        return new Builder(grammar).Build();
    }

    internal static bool IsTerminal(int symbol) => symbol < 0;

    internal static int TerminalIndex(int symbol) => -symbol - 1;

    internal static bool IsDfa(int symbol) => symbol <= DfaSymbolBase;

    internal static int DfaIndex(int symbol) => DfaSymbolBase - symbol;

    /// <summary>Which nonterminals derive the empty string: a worklist over "symbols still to be shown nullable" per production.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool[] ComputeNullable()
    {
        var nullable = new bool[NonterminalCount];
        var remaining = new int[Lhs.Length];
        var uses = new List<int>?[NonterminalCount];
        var work = new Stack<int>();
        for (var p = 0; p < Lhs.Length; p++)
        {
            foreach (var symbol in Rhs[p])
            {
                if (IsDfa(symbol))
                {
                    if (!Dfas[DfaIndex(symbol)].IsAccepting(0))
                    {
                        remaining[p] = int.MaxValue / 2; // never nullable
                    }
                }
                else if (IsTerminal(symbol))
                {
                    remaining[p] = int.MaxValue / 2;
                }
                else
                {
                    remaining[p]++;
                    (uses[symbol] ??= []).Add(p);
                }
            }

            if (remaining[p] == 0 && !nullable[Lhs[p]])
            {
                nullable[Lhs[p]] = true;
                work.Push(Lhs[p]);
            }
        }

        while (work.Count > 0)
        {
            var symbol = work.Pop();
            foreach (var p in uses[symbol] ?? [])
            {
                // A production counts each occurrence, so each use is decremented once per occurrence.
                if (--remaining[p] == 0 && !nullable[Lhs[p]])
                {
                    nullable[Lhs[p]] = true;
                    work.Push(Lhs[p]);
                }
            }
        }

        return nullable;
    }
}
