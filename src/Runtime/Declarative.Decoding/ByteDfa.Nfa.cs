using System.Runtime.CompilerServices;
using System.Text;
using Declarative.Grammars;

namespace Declarative.Decoding;

internal sealed partial class ByteDfa
{
    /// <summary>One byte-range edge of the NFA.</summary>
    private readonly record struct Edge(byte First, byte Last, int To);

    /// <summary>
    /// The NFA an automaton's states are made from. Edges and epsilon moves are gathered in flat arrays while the NFA is
    /// built and then laid out state after state (<see cref="Freeze"/>): a few arrays per automaton rather than two lists
    /// per NFA state, which kept tens of thousands of small objects alive per schema and made every collection slower.
    /// </summary>
    private sealed class Nfa(int maxStates)
    {
        private int stateCount;

        // While building: edges and epsilon moves in the order they were added, with the state they leave. Rented from
        // the shared pools and given back once laid out: a large automaton's building arrays would otherwise land on
        // the large object heap, and each such allocation brings full collections nearer.
        private Edge[] added = System.Buffers.ArrayPool<Edge>.Shared.Rent(64);
        private int[] addedFrom = System.Buffers.ArrayPool<int>.Shared.Rent(64);
        private int addedCount;
        private int[] epsilonFrom = System.Buffers.ArrayPool<int>.Shared.Rent(64);
        private int[] epsilonTo = System.Buffers.ArrayPool<int>.Shared.Rent(64);
        private int epsilonCount;

        // Once frozen: the edges (and epsilon targets) of state s are those from start[s] to start[s + 1].
        private Edge[] edges = [];
        private int[] edgeStart = [];
        private int[] epsilon = [];
        private int[] epsilonStart = [];

        private readonly Dictionary<(string Rule, int To), int> entries = [];

        /// <summary>States from which every string of some X* (and every prefix of one) keeps the automaton alive, with that X: the loop of X* and the start of each required X of X{m,}.</summary>
        public List<(int State, GrammarNode Item)> Loops { get; } = [];

        /// <summary>How many NFA states there are.</summary>
        public int StateCount => stateCount;

        /// <summary>Every edge (after <see cref="Freeze"/>).</summary>
        public ReadOnlySpan<Edge> AllEdges => edges;

        /// <summary>Approximate bytes held by the frozen NFA.</summary>
        public long ApproximateBytes => 64L + (edges.Length * 8L) + (epsilon.Length * 4L) + ((stateCount + 1) * 8L);

        /// <summary>The edges leaving a state (after <see cref="Freeze"/>), in the order they were added.</summary>
        public ReadOnlySpan<Edge> EdgesOf(int state) => edges.AsSpan(edgeStart[state], edgeStart[state + 1] - edgeStart[state]);

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public int NewState()
        {
            if (stateCount >= maxStates)
            {
                throw new InvalidOperationException("too large");
            }

            return stateCount++;
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void AddEdge(int from, byte first, byte last, int to)
        {
            if (addedCount == added.Length || addedCount == addedFrom.Length)
            {
                added = Grow(added, addedCount);
                addedFrom = Grow(addedFrom, addedCount);
            }

            added[addedCount] = new Edge(first, last, to);
            addedFrom[addedCount++] = from;
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void AddEpsilon(int from, int to)
        {
            if (epsilonCount == epsilonFrom.Length || epsilonCount == epsilonTo.Length)
            {
                epsilonFrom = Grow(epsilonFrom, epsilonCount);
                epsilonTo = Grow(epsilonTo, epsilonCount);
            }

            epsilonFrom[epsilonCount] = from;
            epsilonTo[epsilonCount++] = to;
        }

        /// <summary>A pooled array twice as large holding the first <paramref name="count"/> items; the old one goes back to the pool.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static T[] Grow<T>(T[] array, int count)
        {
            var grown = System.Buffers.ArrayPool<T>.Shared.Rent(Math.Max(64, count * 2));
            Array.Copy(array, grown, count);
            System.Buffers.ArrayPool<T>.Shared.Return(array);
            return grown;
        }

        /// <summary>Gives the building arrays back to their pools (once laid out, or when the build failed).</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void ReturnBuildingArrays()
        {
            if (added.Length == 0)
            {
                return; // already given back
            }

            System.Buffers.ArrayPool<Edge>.Shared.Return(added);
            System.Buffers.ArrayPool<int>.Shared.Return(addedFrom);
            System.Buffers.ArrayPool<int>.Shared.Return(epsilonFrom);
            System.Buffers.ArrayPool<int>.Shared.Return(epsilonTo);
            (added, addedFrom, epsilonFrom, epsilonTo) = ([], [], [], []);
        }

        /// <summary>Lays the gathered edges and epsilon moves out state after state (a stable counting sort) and drops the building arrays.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void Freeze()
        {
            (edgeStart, edges) = ByState(addedFrom, added, addedCount, stateCount);
            (epsilonStart, epsilon) = ByState(epsilonFrom, epsilonTo, epsilonCount, stateCount);
            ReturnBuildingArrays();
            entries.Clear();
        }

        /// <summary>
        /// The first <paramref name="count"/> items grouped by their state, in their order within each state (a stable
        /// counting sort), and where each state's run starts (<c>start[s]..start[s + 1]</c>).
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static (int[] Start, T[] Items) ByState<T>(int[] from, T[] items, int count, int states)
        {
            var start = new int[states + 1];
            var sorted = new T[count];
            for (var i = 0; i < count; i++)
            {
                start[from[i] + 1]++;
            }

            for (var s = 0; s < states; s++)
            {
                start[s + 1] += start[s];
            }

            var fill = start[..states];
            for (var i = 0; i < count; i++)
            {
                sorted[fill[from[i]]++] = items[i];
            }

            return (start, sorted);
        }

        // Scratch of Closure (called under the automaton's gate): a visit stamp per NFA state and a stack.
        private int[] stamps = [];
        private int stamp;
        private readonly Stack<int> stack = new();
        private readonly List<int> reached = [];

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public int[] Closure(ReadOnlySpan<int> states)
        {
            if (stamps.Length < stateCount)
            {
                stamps = new int[Math.Max(stateCount, stamps.Length * 2)];
            }

            if (++stamp == int.MaxValue)
            {
                Array.Clear(stamps);
                stamp = 1;
            }

            stack.Clear();
            reached.Clear();
            foreach (var s in states)
            {
                stack.Push(s);
            }

            while (stack.Count > 0)
            {
                var s = stack.Pop();
                if (stamps[s] != stamp)
                {
                    stamps[s] = stamp;
                    reached.Add(s);
                    for (var e = epsilonStart[s]; e < epsilonStart[s + 1]; e++)
                    {
                        stack.Push(epsilon[e]);
                    }
                }
            }

            var result = reached.ToArray();
            Array.Sort(result);
            return result;
        }

        /// <summary>Adds the node between two states and freezes the NFA; false when the node is not regular or too large.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public bool Build(GrammarNode node, int from, int to, Func<string, GrammarNode?> rule, HashSet<string> expanding)
        {
            bool built;
            try
            {
                built = Add(node, from, to, rule, expanding);
            }
            catch (InvalidOperationException)
            {
                built = false;
            }

            if (!built)
            {
                ReturnBuildingArrays();
                return false;
            }

            Freeze();
            return true;
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private bool Add(GrammarNode node, int from, int to, Func<string, GrammarNode?> rule, HashSet<string> expanding)
        {
            switch (node)
            {
                case LiteralNode literal:
                    var bytes = Encoding.UTF8.GetBytes(literal.Text);
                    var current = from;
                    for (var i = 0; i < bytes.Length; i++)
                    {
                        var target = i == bytes.Length - 1 ? to : NewState();
                        AddEdge(current, bytes[i], bytes[i], target);
                        current = target;
                    }

                    if (bytes.Length == 0)
                    {
                        AddEpsilon(from, to);
                    }

                    return true;
                case CharClassNode charClass:
                    foreach (var range in charClass.Ranges)
                    {
                        foreach (var sequence in Utf8Ranges.Split(range.First, range.Last))
                        {
                            var state = from;
                            for (var i = 0; i < sequence.Length; i++)
                            {
                                var target = i == sequence.Length - 1 ? to : NewState();
                                AddEdge(state, sequence[i].First, sequence[i].Last, target);
                                state = target;
                            }
                        }
                    }

                    return true;
                case SequenceNode sequence:
                    var at = from;
                    for (var i = 0; i < sequence.Items.Count; i++)
                    {
                        var target = i == sequence.Items.Count - 1 ? to : NewState();
                        if (!Add(sequence.Items[i], at, target, rule, expanding))
                        {
                            return false;
                        }

                        at = target;
                    }

                    if (sequence.Items.Count == 0)
                    {
                        AddEpsilon(from, to);
                    }

                    return true;
                case ChoiceNode choice:
                    foreach (var alternative in choice.Alternatives)
                    {
                        if (!Add(alternative, from, to, rule, expanding))
                        {
                            return false;
                        }
                    }

                    return true;
                case RepeatNode repeat:
                    var position = from;
                    for (var i = 0; i < repeat.Min; i++)
                    {
                        if (repeat.Max is null)
                        {
                            // X…X X*: from the start of each required X any string of X* keeps the automaton alive too.
                            Loops.Add((position, repeat.Item));
                        }

                        var target = NewState();
                        if (!Add(repeat.Item, position, target, rule, expanding))
                        {
                            return false;
                        }

                        position = target;
                    }

                    if (repeat.Max is null)
                    {
                        var loop = NewState();
                        Loops.Add((loop, repeat.Item));
                        AddEpsilon(position, loop);
                        var back = NewState();
                        if (!Add(repeat.Item, loop, back, rule, expanding))
                        {
                            return false;
                        }

                        AddEpsilon(back, loop);
                        AddEpsilon(loop, to);
                        return true;
                    }

                    for (var i = repeat.Min; i < repeat.Max.Value; i++)
                    {
                        AddEpsilon(position, to);
                        var target = NewState();
                        if (!Add(repeat.Item, position, target, rule, expanding))
                        {
                            return false;
                        }

                        position = target;
                    }

                    AddEpsilon(position, to);
                    return true;
                case RuleRefNode reference:
                    // A rule already made for the same continuation is joined (this is how a right-recursive rule, a
                    // tail call back into a rule being expanded, stays regular); a rule being expanded for another
                    // continuation is recursion in the middle, which no automaton matches.
                    if (entries.TryGetValue((reference.Name, to), out var entry))
                    {
                        AddEpsilon(from, entry);
                        return true;
                    }

                    if (!expanding.Add(reference.Name) || rule(reference.Name) is not { } body)
                    {
                        return false;
                    }

                    entry = NewState();
                    entries[(reference.Name, to)] = entry;
                    AddEpsilon(from, entry);
                    var ok = Add(body, entry, to, rule, expanding);
                    expanding.Remove(reference.Name);
                    return ok;
                default:
                    return false;
            }
        }
    }
}
