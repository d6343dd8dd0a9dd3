using System.Text;

namespace Declarative.Grammars;

/// <summary>
/// A grammar: named rules over byte-level terminals, and the rule a document must match (<see cref="Root"/>).
/// Printable as GBNF for llama.cpp (<see cref="ToGbnf"/>); consumed by Declarative.Decoding for token masks.
/// </summary>
public sealed class Grammar
{
    private readonly Dictionary<string, GrammarNode> rules;

    /// <summary>Creates a grammar.</summary>
    /// <param name="root">The start rule's name.</param>
    /// <param name="rules">The rules, in the order to print them.</param>
    /// <exception cref="GrammarException">A rule is referenced but not defined, or defined twice, or the root is missing.</exception>
    public Grammar(string root, IEnumerable<KeyValuePair<string, GrammarNode>> rules)
    {
        Root = root ?? throw new ArgumentNullException(nameof(root));
        RuleList = (rules ?? throw new ArgumentNullException(nameof(rules))).ToList();
        this.rules = new Dictionary<string, GrammarNode>(StringComparer.Ordinal);
        foreach (var rule in RuleList)
        {
            if (this.rules.ContainsKey(rule.Key))
            {
                throw new GrammarException($"rule '{rule.Key}' is defined twice");
            }

            this.rules.Add(rule.Key, rule.Value);
        }

        if (!this.rules.ContainsKey(root))
        {
            throw new GrammarException($"the root rule '{root}' is not defined");
        }

        foreach (var rule in RuleList)
        {
            foreach (var name in References(rule.Value))
            {
                if (!this.rules.ContainsKey(name))
                {
                    throw new GrammarException($"rule '{rule.Key}' refers to '{name}', which is not defined");
                }
            }
        }
    }

    /// <summary>A grammar of one rule.</summary>
    /// <param name="node">The root node.</param>
    /// <returns>The grammar, with the rule named <c>root</c>.</returns>
    public static Grammar FromNode(GrammarNode node) => new("root", [new KeyValuePair<string, GrammarNode>("root", node)]);

    /// <summary>The start rule's name.</summary>
    public string Root { get; }

    /// <summary>The rules in order.</summary>
    public IReadOnlyList<KeyValuePair<string, GrammarNode>> RuleList { get; }

    /// <summary>The rule with the given name.</summary>
    /// <param name="name">The rule name.</param>
    public GrammarNode this[string name] => rules[name];

    /// <summary>The grammar in llama.cpp's GBNF: the start rule is printed as <c>root</c>, other names made GBNF-safe.</summary>
    /// <returns>The GBNF text.</returns>
    /// <exception cref="GrammarException">The grammar matches nothing.</exception>
    public string ToGbnf()
    {
        var names = GbnfNames();
        var sb = new StringBuilder();
        foreach (var rule in RuleList)
        {
            if (rule.Value.IsNever)
            {
                throw new GrammarException($"rule '{rule.Key}' matches nothing, which GBNF cannot express; the schema or type admits no value");
            }

            sb.Append(names[rule.Key]).Append(" ::= ");
            GbnfWriter.Write(sb, rule.Value, 0, n => names[n]);
            sb.Append('\n');
        }

        return sb.ToString();
    }

    /// <summary>
    /// Reads a grammar in llama.cpp's GBNF whose start rule is <c>root</c>: rules <c>name ::= body</c>, string
    /// literals, character classes (with ranges and <c>^</c>), <c>.</c>, groups, <c>|</c>, <c>* + ?</c>, <c>{m,n}</c>
    /// repetitions and <c>#</c> comments. The text <see cref="ToGbnf"/> writes reads back to a grammar that writes the
    /// same text.
    /// </summary>
    /// <param name="gbnf">The GBNF text.</param>
    /// <returns>The grammar.</returns>
    /// <exception cref="GrammarException">The text is not GBNF (the message gives the line and column), a rule is
    /// defined twice or referenced but not defined, or there is no <c>root</c> rule.</exception>
    public static Grammar ParseGbnf(string gbnf) => GbnfReader.Read(gbnf);

    /// <summary>The grammar in the IR's own notation (GBNF syntax with the original rule names).</summary>
    /// <returns>The text.</returns>
    public override string ToString()
    {
        var sb = new StringBuilder();
        foreach (var rule in RuleList)
        {
            sb.Append(rule.Key).Append(" ::= ").Append(rule.Value).Append('\n');
        }

        return sb.ToString();
    }

    private Dictionary<string, string> GbnfNames()
    {
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        var used = new HashSet<string>(StringComparer.Ordinal) { "root" };
        names[Root] = "root";
        foreach (var rule in RuleList)
        {
            if (names.ContainsKey(rule.Key))
            {
                continue;
            }

            var safe = new string(rule.Key.Select(c => c < 128 && char.IsLetterOrDigit(c) ? c : '-').ToArray()).Trim('-');
            if (safe.Length == 0)
            {
                safe = "rule";
            }

            var candidate = safe;
            for (var i = 2; !used.Add(candidate); i++)
            {
                candidate = safe + "-" + i;
            }

            names[rule.Key] = candidate;
        }

        return names;
    }

    /// <summary>The names of the rules a node refers to (with repeats), in order.</summary>
    /// <param name="node">The node.</param>
    /// <returns>The rule names.</returns>
    public static IEnumerable<string> References(GrammarNode node)
    {
        // Depth first with an explicit stack (children pushed in reverse), so deep grammars cost one step per node.
        var stack = new Stack<GrammarNode>();
        stack.Push(node);
        while (stack.Count > 0)
        {
            switch (stack.Pop())
            {
                case RuleRefNode r:
                    yield return r.Name;
                    break;
                case SequenceNode s:
                    for (var i = s.Items.Count - 1; i >= 0; i--)
                    {
                        stack.Push(s.Items[i]);
                    }

                    break;
                case ChoiceNode c:
                    for (var i = c.Alternatives.Count - 1; i >= 0; i--)
                    {
                        stack.Push(c.Alternatives[i]);
                    }

                    break;
                case RepeatNode rep:
                    stack.Push(rep.Item);
                    break;
            }
        }
    }
}
