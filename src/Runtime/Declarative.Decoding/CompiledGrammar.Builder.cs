using System.Runtime.CompilerServices;
using System.Text;
using Declarative.Grammars;

namespace Declarative.Decoding;

public sealed partial class CompiledGrammar
{
    private sealed class Builder(Grammar grammar)
    {
        private readonly List<int> lhs = [];
        private readonly List<int[]> rhs = [];
        private readonly List<ByteSet> terminals = [];
        private readonly Dictionary<ByteSet, int> terminalIds = [];
        private readonly Dictionary<string, int> ruleIds = new(StringComparer.Ordinal);
        private readonly Dictionary<GrammarNode, int> nodeIds = [];
        private readonly List<ByteDfa> dfas = [];
        private readonly Dictionary<ByteDfa, int> dfaIds = [];
        private readonly Dictionary<string, GrammarNode> regularRules = RegularRules(grammar);
        private readonly Dictionary<string, GrammarNode> rules = grammar.RuleList.ToDictionary(r => r.Key, r => r.Value, StringComparer.Ordinal);

        /// <summary>The rules that reach no cycle of references: only these can be inlined into an automaton.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static Dictionary<string, GrammarNode> RegularRules(Grammar grammar)
        {
            var bodies = grammar.RuleList.ToDictionary(r => r.Key, r => r.Value, StringComparer.Ordinal);
            var state = new Dictionary<string, int>(StringComparer.Ordinal); // 1 = visiting, 2 = regular, 3 = not
            bool Regular(string name)
            {
                if (state.TryGetValue(name, out var s))
                {
                    return s == 2;
                }

                state[name] = 1;
                var ok = Grammar.References(bodies[name]).All(Regular);
                state[name] = ok ? 2 : 3;
                return ok;
            }

            return bodies.Where(r => Regular(r.Key)).ToDictionary(r => r.Key, r => r.Value, StringComparer.Ordinal);
        }
        private HashSet<string>? rightLinear;
        private readonly Dictionary<string, GrammarNode?> inlinedRules = new(StringComparer.Ordinal);

        /// <summary>
        /// The rules an automaton can match although they recurse: every rule they reach either reaches no cycle or
        /// recurses within its cycle only at the ends of its alternatives (a right-linear cycle, as in the digit
        /// automaton of <c>multipleOf</c>). Anything else (a value nested in an array) needs the parser.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private HashSet<string> RightLinearRules()
        {
            if (rightLinear is not null)
            {
                return rightLinear;
            }

            // Strongly connected components of the rule references (Tarjan, iterative), then: a rule is right-linear
            // when it is tail-safe and reaches no rule that is not (a backward search from the unsafe rules).
            var names = rules.Keys.ToList();
            var index = names.Select((name, i) => (name, i)).ToDictionary(p => p.name, p => p.i, StringComparer.Ordinal);
            var edges = names.Select(name => Grammar.References(rules[name]).Where(index.ContainsKey).Select(n => index[n]).Distinct().ToArray()).ToArray();
            var component = Components(edges);

            // A rule is tail-safe when every reference it makes into its own component stands at the end of an alternative.
            bool TailSafe(int rule)
            {
                bool Check(GrammarNode node, bool tail) => node switch
                {
                    RuleRefNode reference => tail || !index.TryGetValue(reference.Name, out var target) || component[target] != component[rule],
                    ChoiceNode choice => choice.Alternatives.All(a => Check(a, tail)),
                    SequenceNode sequence => sequence.Items.Select((item, i) => Check(item, tail && i == sequence.Items.Count - 1)).All(ok => ok),
                    RepeatNode repeat => Check(repeat.Item, false),
                    _ => true,
                };
                return Check(rules[names[rule]], true);
            }

            var reverse = names.Select(_ => new List<int>()).ToArray();
            for (var from = 0; from < edges.Length; from++)
            {
                foreach (var to in edges[from])
                {
                    reverse[to].Add(from);
                }
            }

            var bad = new bool[names.Count];
            var work = new Stack<int>(Enumerable.Range(0, names.Count).Where(r => !TailSafe(r)));
            foreach (var r in work)
            {
                bad[r] = true;
            }

            while (work.Count > 0)
            {
                foreach (var from in reverse[work.Pop()])
                {
                    if (!bad[from])
                    {
                        bad[from] = true;
                        work.Push(from);
                    }
                }
            }

            rightLinear = Enumerable.Range(0, names.Count).Where(r => !bad[r]).Select(r => names[r]).ToHashSet(StringComparer.Ordinal);
            return rightLinear;
        }

        /// <summary>The strongly connected component of each vertex (Tarjan's algorithm without recursion).</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static int[] Components(int[][] edges)
        {
            var count = edges.Length;
            var order = new int[count];
            var low = new int[count];
            var component = new int[count];
            Array.Fill(order, -1);
            var onStack = new bool[count];
            var stack = new Stack<int>();
            var next = 0;
            var components = 0;
            var calls = new Stack<(int Vertex, int Edge)>();
            for (var root = 0; root < count; root++)
            {
                if (order[root] >= 0)
                {
                    continue;
                }

                calls.Push((root, 0));
                while (calls.Count > 0)
                {
                    var (v, e) = calls.Pop();
                    if (e == 0)
                    {
                        order[v] = low[v] = next++;
                        stack.Push(v);
                        onStack[v] = true;
                    }

                    if (e < edges[v].Length)
                    {
                        calls.Push((v, e + 1));
                        var w = edges[v][e];
                        if (order[w] < 0)
                        {
                            calls.Push((w, 0));
                        }
                        else if (onStack[w])
                        {
                            low[v] = Math.Min(low[v], order[w]);
                        }

                        continue;
                    }

                    if (low[v] == order[v])
                    {
                        int w;
                        do
                        {
                            w = stack.Pop();
                            onStack[w] = false;
                            component[w] = components;
                        }
                        while (w != v);
                        components++;
                    }

                    if (calls.Count > 0)
                    {
                        var parent = calls.Peek().Vertex;
                        low[parent] = Math.Min(low[parent], low[v]);
                    }
                }
            }

            return component;
        }

        private int nonterminals;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public CompiledGrammar Build()
        {
            var start = nonterminals++;
            foreach (var rule in grammar.RuleList)
            {
                ruleIds[rule.Key] = nonterminals++;
            }

            foreach (var rule in grammar.RuleList)
            {
                AddProductions(ruleIds[rule.Key], rule.Value);
            }

            lhs.Add(start);
            rhs.Add([ruleIds[grammar.Root]]);
            return new CompiledGrammar(lhs.ToArray(), rhs.ToArray(), terminals.ToArray(), dfas.ToArray(), nonterminals, lhs.Count - 1);
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void AddProductions(int nonterminal, GrammarNode node)
        {
            // A regular alternation or bounded repetition runs as one automaton (a lexeme: a key among declared names,
            // a bounded string, a number pattern), so the mask walk steps a table instead of Earley sets inside it.
            if (node is ChoiceNode or RepeatNode { Max: not null } && Automaton(node) is { } dfa)
            {
                Add(nonterminal, [dfa]);
                return;
            }

            if (node is ChoiceNode choice)
            {
                foreach (var alternative in choice.Alternatives)
                {
                    Add(nonterminal, Symbols(alternative));
                }
            }
            else
            {
                Add(nonterminal, Symbols(node));
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void Add(int nonterminal, List<int> symbols)
        {
            lhs.Add(nonterminal);
            rhs.Add(symbols.ToArray());
        }

        /// <summary>The symbols that match a node, in sequence.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private List<int> Symbols(GrammarNode node)
        {
            var result = new List<int>();
            switch (node)
            {
                case LiteralNode literal:
                    foreach (var b in Encoding.UTF8.GetBytes(literal.Text))
                    {
                        result.Add(Terminal(ByteSet.Of(b)));
                    }

                    break;
                case SequenceNode sequence:
                    foreach (var item in sequence.Items)
                    {
                        result.AddRange(Symbols(item));
                    }

                    break;
                case RuleRefNode reference:
                    result.Add(ruleIds[reference.Name]);
                    break;
                case CharClassNode charClass:
                    var ranges = charClass.Ranges.SelectMany(r => Utf8Ranges.Split(r.First, r.Last)).ToList();
                    if (ranges.Count == 1)
                    {
                        result.AddRange(ranges[0].Select(r => Terminal(ByteSet.Range(r.First, r.Last))));
                    }
                    else
                    {
                        result.Add(NodeNonterminal(node, n =>
                        {
                            foreach (var sequence in ranges)
                            {
                                Add(n, sequence.Select(r => Terminal(ByteSet.Range(r.First, r.Last))).ToList());
                            }
                        }));
                    }

                    break;
                case ChoiceNode or RepeatNode { Max: not null } when Automaton(node) is { } dfa:
                    result.Add(dfa);
                    break;
                case ChoiceNode:
                    result.Add(NodeNonterminal(node, n => AddProductions(n, node)));
                    break;
                case RepeatNode { Max: null, Min: 0 } repeat when Automaton(repeat) is { } dfa:
                    result.Add(dfa);
                    break;
                case RepeatNode { Max: null } when Automaton(node) is { } whole:
                    // X{m,} as one automaton: its states at the start of each required X and in the X* loop have the
                    // shared X* automaton as witness, so per-vocabulary facts are still shared.
                    result.Add(whole);
                    break;
                case RepeatNode { Max: null } repeat when Automaton(GrammarNode.Star(repeat.Item)) is { } tail:
                    // X{m,} as X…X then the automaton of X*: the tail is the same automaton as every other X*, so its
                    // per-vocabulary facts are shared.
                    result.AddRange(Enumerable.Repeat(ItemSymbol(repeat.Item), repeat.Min));
                    result.Add(tail);
                    break;
                case RepeatNode repeat:
                    result.Add(NodeNonterminal(node, n => AddRepeat(n, repeat)));
                    break;
                default:
                    throw new GrammarException($"unknown node {node.GetType().Name}");
            }

            return result;
        }

        /// <summary>An automaton terminal for a regular node, or null when it is not regular or too large.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private int? Automaton(GrammarNode repeat)
        {
            var references = Grammar.References(repeat).ToList();
            ByteDfa? dfa;
            if (references.All(regularRules.ContainsKey))
            {
                dfa = ByteDfa.TryBuild(repeat, name => regularRules.TryGetValue(name, out var body) ? body : null, inlinedRules);
            }
            else if (references.All(RightLinearRules().Contains))
            {
                dfa = ByteDfa.TryBuildRecursive(repeat, name => rules.TryGetValue(name, out var body) ? body : null);
            }
            else
            {
                return null;
            }

            if (dfa is null)
            {
                return null;
            }

            if (!dfaIds.TryGetValue(dfa, out var index))
            {
                index = dfas.Count;
                dfas.Add(dfa);
                dfaIds[dfa] = index;
            }

            return DfaSymbolBase - index;
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void AddRepeat(int nonterminal, RepeatNode repeat)
        {
            var item = ItemSymbol(repeat.Item);
            var prefix = Enumerable.Repeat(item, repeat.Min).ToList();
            if (repeat.Max is null)
            {
                // star: S -> ε | S X (left recursion keeps Earley linear)
                var star = nonterminals++;
                Add(star, []);
                Add(star, [star, item]);
                Add(nonterminal, [.. prefix, star]);
                return;
            }

            var optional = repeat.Max.Value - repeat.Min;
            var tail = -1;
            for (var i = 0; i < optional; i++)
            {
                // O_i -> ε | X O_{i-1}
                var o = nonterminals++;
                Add(o, []);
                Add(o, tail < 0 ? [item] : [item, tail]);
                tail = o;
            }

            Add(nonterminal, tail < 0 ? prefix : [.. prefix, tail]);
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private int ItemSymbol(GrammarNode item)
        {
            var symbols = Symbols(item);
            if (symbols.Count == 1)
            {
                return symbols[0];
            }

            var n = nonterminals++;
            Add(n, symbols);
            return n;
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private int NodeNonterminal(GrammarNode node, Action<int> define)
        {
            if (nodeIds.TryGetValue(node, out var existing))
            {
                return existing;
            }

            var n = nonterminals++;
            nodeIds[node] = n;
            define(n);
            return n;
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private int Terminal(ByteSet set)
        {
            if (!terminalIds.TryGetValue(set, out var id))
            {
                id = terminals.Count;
                terminals.Add(set);
                terminalIds[set] = id;
            }

            return -id - 1;
        }
    }
}
