using System.Runtime.CompilerServices;

namespace Declarative.Decoding;

internal sealed partial class ByteDfa
{
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
}
