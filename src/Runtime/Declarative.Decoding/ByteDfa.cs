using System.Text;
using Declarative.Grammars;

namespace Declarative.Decoding;

/// <summary>
/// A deterministic automaton over bytes for a regular part of a grammar (the inside of a JSON string, a run of digits,
/// a pattern). The matcher runs it as one terminal, and the token-mask walk can accept a whole trie subtree at once
/// when every path below stays inside the automaton.
/// </summary>
internal sealed class ByteDfa
{
    private ByteDfa(int[] next, bool[] accepting)
    {
        Next = next;
        Accepting = accepting;
        Allowed = new ByteSet[accepting.Length];
        for (var q = 0; q < accepting.Length; q++)
        {
            var set = ByteSet.None;
            for (var b = 0; b < 256; b++)
            {
                if (next[(q * 256) + b] >= 0)
                {
                    set = set.With((byte)b);
                }
            }

            Allowed[q] = set;
        }

        var key = new StringBuilder(next.Length * 2);
        foreach (var n in next)
        {
            key.Append(n).Append(',');
        }

        foreach (var a in accepting)
        {
            key.Append(a ? '1' : '0');
        }

        Key = key.ToString();
    }

    /// <summary>The next state by (state * 256 + byte), or -1.</summary>
    public int[] Next { get; }

    public bool[] Accepting { get; }

    public ByteSet[] Allowed { get; }

    public int StateCount => Accepting.Length;

    /// <summary>A structural key: equal keys are the same automaton.</summary>
    public string Key { get; }

    public int Step(int state, byte value) => Next[(state * 256) + value];

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<GrammarNode, ByteDfa?> Built = new();
    private static int builtCount;

    /// <summary>Builds (or reuses) the automaton of a regular node, or returns null when the node is not regular or too large.</summary>
    public static ByteDfa? TryBuild(GrammarNode node, Func<string, GrammarNode?> rule)
    {
        var inlined = Inline(node, rule, new HashSet<string>(StringComparer.Ordinal));
        if (inlined is null)
        {
            return null;
        }

        if (Built.TryGetValue(inlined, out var known))
        {
            return known;
        }

        // A bounded memo: cleared when it grows large, since grammars with many distinct patterns are rare.
        if (Interlocked.Increment(ref builtCount) > 4096)
        {
            Built.Clear();
            Interlocked.Exchange(ref builtCount, 0);
        }

        return Built.GetOrAdd(inlined, static n => Build(n, maxStates: 256, maxNfaStates: 4096));
    }

    /// <summary>The node with its rule references replaced by their bodies, or null when a reference is recursive.</summary>
    private static GrammarNode? Inline(GrammarNode node, Func<string, GrammarNode?> rule, HashSet<string> expanding)
    {
        switch (node)
        {
            case RuleRefNode reference:
                if (!expanding.Add(reference.Name) || rule(reference.Name) is not { } body)
                {
                    return null;
                }

                var inlined = Inline(body, rule, expanding);
                expanding.Remove(reference.Name);
                return inlined;
            case SequenceNode sequence:
                var items = sequence.Items.Select(i => Inline(i, rule, expanding)).ToList();
                return items.Any(i => i is null) ? null : GrammarNode.Seq(items!);
            case ChoiceNode choice:
                var alternatives = choice.Alternatives.Select(a => Inline(a, rule, expanding)).ToList();
                return alternatives.Any(a => a is null) ? null : GrammarNode.Choice(alternatives!);
            case RepeatNode repeat:
                return Inline(repeat.Item, rule, expanding) is { } item ? GrammarNode.Repeat(item, repeat.Min, repeat.Max) : null;
            default:
                return node;
        }
    }

    private static ByteDfa? Build(GrammarNode node, int maxStates, int maxNfaStates)
    {
        Func<string, GrammarNode?> rule = _ => null;
        var nfa = new Nfa(maxNfaStates);
        var start = nfa.NewState();
        var end = nfa.NewState();
        if (!nfa.Build(node, start, end, rule, new HashSet<string>(StringComparer.Ordinal)))
        {
            return null;
        }

        // Subset construction over sorted arrays of NFA states.
        var ids = new Dictionary<StateSet, int>();
        var sets = new List<int[]>();
        var next = new List<int>();
        var accepting = new List<bool>();
        int Intern(int[] states)
        {
            var key = new StateSet(states);
            if (!ids.TryGetValue(key, out var id))
            {
                id = sets.Count;
                ids[key] = id;
                sets.Add(states);
                accepting.Add(Array.BinarySearch(states, end) >= 0);
                next.AddRange(Enumerable.Repeat(-1, 256));
            }

            return id;
        }

        Intern(nfa.Closure([start]));
        var targets = new List<int>?[256];
        for (var q = 0; q < sets.Count; q++)
        {
            if (sets.Count > maxStates)
            {
                return null;
            }

            Array.Clear(targets);
            foreach (var s in sets[q])
            {
                foreach (var (first, last, to) in nfa.Edges[s])
                {
                    for (var b = first; b <= last; b++)
                    {
                        (targets[b] ??= []).Add(to);
                    }
                }
            }

            // Bytes with the same targets share one closure.
            var byTargets = new Dictionary<StateSet, int>();
            for (var b = 0; b < 256; b++)
            {
                if (targets[b] is { } t)
                {
                    var key = new StateSet(t.Distinct().Order().ToArray());
                    if (!byTargets.TryGetValue(key, out var id))
                    {
                        id = Intern(nfa.Closure(key.States));
                        byTargets[key] = id;
                    }

                    next[(q * 256) + b] = id;
                }
            }
        }

        return new ByteDfa(next.ToArray(), accepting.ToArray());
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

    private sealed class Nfa(int maxStates)
    {
        public List<List<(int First, int Last, int To)>> Edges { get; } = [];

        private readonly List<List<int>> epsilon = [];

        public int NewState()
        {
            if (Edges.Count >= maxStates)
            {
                throw new InvalidOperationException("too large");
            }

            Edges.Add([]);
            epsilon.Add([]);
            return Edges.Count - 1;
        }

        public int[] Closure(IEnumerable<int> states)
        {
            var seen = new HashSet<int>();
            var stack = new Stack<int>(states);
            while (stack.Count > 0)
            {
                var s = stack.Pop();
                if (seen.Add(s))
                {
                    foreach (var t in epsilon[s])
                    {
                        stack.Push(t);
                    }
                }
            }

            var result = seen.ToArray();
            Array.Sort(result);
            return result;
        }

        public bool Build(GrammarNode node, int from, int to, Func<string, GrammarNode?> rule, HashSet<string> expanding)
        {
            try
            {
                return Add(node, from, to, rule, expanding);
            }
            catch (InvalidOperationException)
            {
                return false;
            }
        }

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
                        Edges[current].Add((bytes[i], bytes[i], target));
                        current = target;
                    }

                    if (bytes.Length == 0)
                    {
                        epsilon[from].Add(to);
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
                                Edges[state].Add((sequence[i].First, sequence[i].Last, target));
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
                        epsilon[from].Add(to);
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
                        epsilon[position].Add(loop);
                        var back = NewState();
                        if (!Add(repeat.Item, loop, back, rule, expanding))
                        {
                            return false;
                        }

                        epsilon[back].Add(loop);
                        epsilon[loop].Add(to);
                        return true;
                    }

                    for (var i = repeat.Min; i < repeat.Max.Value; i++)
                    {
                        epsilon[position].Add(to);
                        var target = NewState();
                        if (!Add(repeat.Item, position, target, rule, expanding))
                        {
                            return false;
                        }

                        position = target;
                    }

                    epsilon[position].Add(to);
                    return true;
                case RuleRefNode reference:
                    if (!expanding.Add(reference.Name) || rule(reference.Name) is not { } body)
                    {
                        return false; // recursive, so not regular
                    }

                    var ok = Add(body, from, to, rule, expanding);
                    expanding.Remove(reference.Name);
                    return ok;
                default:
                    return false;
            }
        }
    }
}
