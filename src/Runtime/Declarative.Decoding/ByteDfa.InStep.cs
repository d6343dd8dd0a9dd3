using System.Runtime.CompilerServices;
using Declarative.Grammars;

namespace Declarative.Decoding;

internal sealed partial class ByteDfa
{
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
}
