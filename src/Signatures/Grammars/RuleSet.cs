namespace Declarative.Grammars;

/// <summary>Collects named rules while a compiler works, reserving names before bodies so that rules can be recursive.</summary>
public sealed class RuleSet
{
    private readonly List<string> order = [];
    private readonly Dictionary<string, GrammarNode?> rules = new(StringComparer.Ordinal);

    /// <summary>Whether a rule of this name is defined or reserved.</summary>
    /// <param name="name">The name.</param>
    /// <returns>Whether it exists.</returns>
    public bool Contains(string name) => rules.ContainsKey(name);

    /// <summary>Reserves a name (so references to it can be made before the body exists).</summary>
    /// <param name="name">The name.</param>
    public void Reserve(string name)
    {
        if (!rules.ContainsKey(name))
        {
            rules[name] = null;
            order.Add(name);
        }
    }

    /// <summary>Defines (or redefines a reserved) rule.</summary>
    /// <param name="name">The name.</param>
    /// <param name="body">The body.</param>
    /// <returns>A reference to the rule.</returns>
    public GrammarNode Define(string name, GrammarNode body)
    {
        Reserve(name);
        rules[name] = body ?? throw new ArgumentNullException(nameof(body));
        return GrammarNode.Ref(name);
    }

    /// <summary>A reference to the rule, defining it with <paramref name="body"/> the first time.</summary>
    /// <param name="name">The name.</param>
    /// <param name="body">Builds the body; called once.</param>
    /// <returns>A reference to the rule.</returns>
    public GrammarNode GetOrDefine(string name, Func<GrammarNode> body)
    {
        if (!rules.ContainsKey(name))
        {
            Reserve(name);
            rules[name] = body();
        }

        return GrammarNode.Ref(name);
    }

    /// <summary>A name not used yet, starting from <paramref name="stem"/>.</summary>
    /// <param name="stem">The preferred name.</param>
    /// <returns>A free name.</returns>
    public string FreeName(string stem)
    {
        var candidate = stem;
        for (var i = 2; rules.ContainsKey(candidate); i++)
        {
            candidate = stem + "-" + i;
        }

        return candidate;
    }

    /// <summary>Builds the grammar with <paramref name="root"/> first.</summary>
    /// <param name="root">The root rule's name.</param>
    /// <returns>The grammar.</returns>
    /// <exception cref="GrammarException">A reserved rule was never defined.</exception>
    public Grammar ToGrammar(string root)
    {
        var list = new List<KeyValuePair<string, GrammarNode>>();
        foreach (var name in new[] { root }.Concat(order.Where(n => n != root)))
        {
            var body = rules.TryGetValue(name, out var b) ? b : null;
            list.Add(new KeyValuePair<string, GrammarNode>(name, body ?? throw new GrammarException($"rule '{name}' was reserved but never defined")));
        }

        return new Grammar(root, list);
    }
}
