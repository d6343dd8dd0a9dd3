using System.Runtime.CompilerServices;
using Declarative.Grammars;

namespace Declarative.Decoding;

internal sealed partial class ByteDfa
{
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
}
