using System.Runtime.CompilerServices;
using Declarative.Grammars;

namespace Declarative.Decoding;

internal sealed partial class ByteDfa
{
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
}
