using System.Text;

namespace Declarative.Grammars;

/// <summary>The kinds of <see cref="GrammarNode"/>.</summary>
public enum GrammarNodeKind
{
    /// <summary>A fixed string (its UTF-8 bytes).</summary>
    Literal,

    /// <summary>One code point from a set of ranges (its UTF-8 bytes).</summary>
    CharClass,

    /// <summary>Items one after another.</summary>
    Sequence,

    /// <summary>Any one of the alternatives.</summary>
    Choice,

    /// <summary>An item repeated between a minimum and a maximum (or unbounded) number of times.</summary>
    Repeat,

    /// <summary>A reference to a named rule.</summary>
    RuleRef,
}

/// <summary>
/// A node of the grammar IR: rules over byte-level terminals (literals and character classes, matched as UTF-8),
/// sequences, alternations, bounded and unbounded repetition, and references to named rules. Nodes are immutable;
/// the factory methods simplify as they build (a sequence containing <see cref="Never"/> is <see cref="Never"/>, a
/// one-item sequence is its item, nested sequences and choices are flattened).
/// </summary>
public abstract class GrammarNode
{
    private protected GrammarNode()
    {
    }

    /// <summary>The kind of node.</summary>
    public abstract GrammarNodeKind Kind { get; }

    /// <summary>Matches the empty string.</summary>
    public static GrammarNode Empty { get; } = new SequenceNode([]);

    /// <summary>Matches nothing at all (an alternation with no alternatives).</summary>
    public static GrammarNode Never { get; } = new ChoiceNode([]);

    /// <summary>Whether this node matches the empty string only.</summary>
    public bool IsEmpty => this is SequenceNode { Items.Count: 0 } || this is LiteralNode { Text.Length: 0 };

    /// <summary>Whether this node matches nothing.</summary>
    public bool IsNever => this is ChoiceNode { Alternatives.Count: 0 };

    /// <summary>A fixed string.</summary>
    /// <param name="text">The text.</param>
    /// <returns>The node.</returns>
    public static GrammarNode Literal(string text) =>
        text is null ? throw new ArgumentNullException(nameof(text)) : text.Length == 0 ? Empty : new LiteralNode(text);

    /// <summary>One code point from the given ranges.</summary>
    /// <param name="ranges">The ranges (any order; overlaps are merged).</param>
    /// <returns>The node, or <see cref="Never"/> when the set is empty.</returns>
    public static GrammarNode Class(IEnumerable<CodePointRange> ranges)
    {
        var merged = CharClassNode.Normalize(ranges);
        return merged.Count == 0 ? Never : new CharClassNode(merged);
    }

    /// <summary>One code point from the given ranges.</summary>
    /// <param name="ranges">The ranges.</param>
    /// <returns>The node.</returns>
    public static GrammarNode Class(params CodePointRange[] ranges) => Class((IEnumerable<CodePointRange>)ranges);

    /// <summary>One code point from the given characters.</summary>
    /// <param name="characters">The characters (BMP only).</param>
    /// <returns>The node.</returns>
    public static GrammarNode Chars(string characters) => Class(characters.Select(c => new CodePointRange(c, c)));

    /// <summary>One code point not in the given ranges (surrogates excluded).</summary>
    /// <param name="ranges">The excluded ranges.</param>
    /// <returns>The node.</returns>
    public static GrammarNode NotClass(IEnumerable<CodePointRange> ranges) => Class(CharClassNode.Complement(CharClassNode.Normalize(ranges)));

    /// <summary>Items one after another.</summary>
    /// <param name="items">The items.</param>
    /// <returns>The node.</returns>
    public static GrammarNode Seq(params GrammarNode[] items) => Seq((IEnumerable<GrammarNode>)items);

    /// <summary>Items one after another.</summary>
    /// <param name="items">The items.</param>
    /// <returns>The node.</returns>
    public static GrammarNode Seq(IEnumerable<GrammarNode> items)
    {
        var list = new List<GrammarNode>();
        foreach (var item in items)
        {
            if (item.IsNever)
            {
                return Never;
            }

            if (item is SequenceNode nested)
            {
                list.AddRange(nested.Items);
            }
            else if (!item.IsEmpty)
            {
                list.Add(item);
            }
        }

        // Adjacent literals merge into one.
        var merged = new List<GrammarNode>(list.Count);
        foreach (var item in list)
        {
            if (item is LiteralNode b && merged.Count > 0 && merged[merged.Count - 1] is LiteralNode a)
            {
                merged[merged.Count - 1] = new LiteralNode(a.Text + b.Text);
            }
            else
            {
                merged.Add(item);
            }
        }

        return merged.Count == 0 ? Empty : merged.Count == 1 ? merged[0] : new SequenceNode(merged);
    }

    /// <summary>Any one of the alternatives.</summary>
    /// <param name="alternatives">The alternatives.</param>
    /// <returns>The node.</returns>
    public static GrammarNode Choice(params GrammarNode[] alternatives) => Choice((IEnumerable<GrammarNode>)alternatives);

    /// <summary>Any one of the alternatives.</summary>
    /// <param name="alternatives">The alternatives.</param>
    /// <returns>The node.</returns>
    public static GrammarNode Choice(IEnumerable<GrammarNode> alternatives)
    {
        var list = new List<GrammarNode>();
        var seen = new HashSet<GrammarNode>();
        foreach (var alternative in alternatives)
        {
            if (alternative is ChoiceNode nested)
            {
                foreach (var inner in nested.Alternatives)
                {
                    if (seen.Add(inner))
                    {
                        list.Add(inner);
                    }
                }
            }
            else if (seen.Add(alternative))
            {
                list.Add(alternative);
            }
        }

        return list.Count == 1 ? list[0] : new ChoiceNode(list);
    }

    /// <summary>The item repeated <paramref name="min"/> to <paramref name="max"/> times (<see langword="null"/> for unbounded).</summary>
    /// <param name="item">The item.</param>
    /// <param name="min">The least number of times.</param>
    /// <param name="max">The greatest number of times, or <see langword="null"/>.</param>
    /// <returns>The node.</returns>
    public static GrammarNode Repeat(GrammarNode item, int min, int? max)
    {
        if (item is null)
        {
            throw new ArgumentNullException(nameof(item));
        }

        if (min < 0 || (max is { } m && m < min))
        {
            throw new ArgumentOutOfRangeException(nameof(min), $"cannot repeat between {min} and {max} times");
        }

        if (max == 0 || item.IsEmpty)
        {
            return Empty;
        }

        if (item.IsNever)
        {
            return min == 0 ? Empty : Never;
        }

        if (min == 1 && max == 1)
        {
            return item;
        }

        return new RepeatNode(item, min, max);
    }

    /// <summary>The item or nothing.</summary>
    /// <param name="item">The item.</param>
    /// <returns>The node.</returns>
    public static GrammarNode Optional(GrammarNode item) => Repeat(item, 0, 1);

    /// <summary>The item any number of times.</summary>
    /// <param name="item">The item.</param>
    /// <returns>The node.</returns>
    public static GrammarNode Star(GrammarNode item) => Repeat(item, 0, null);

    /// <summary>The item at least once.</summary>
    /// <param name="item">The item.</param>
    /// <returns>The node.</returns>
    public static GrammarNode Plus(GrammarNode item) => Repeat(item, 1, null);

    /// <summary>A reference to a named rule.</summary>
    /// <param name="name">The rule's name.</param>
    /// <returns>The node.</returns>
    public static GrammarNode Ref(string name) => new RuleRefNode(name ?? throw new ArgumentNullException(nameof(name)));

    /// <summary>Structural equality.</summary>
    /// <param name="obj">The other node.</param>
    /// <returns>Whether they are the same grammar.</returns>
    public sealed override bool Equals(object? obj) =>
        ReferenceEquals(this, obj)
        || (obj is GrammarNode other && other.GetType() == GetType() && other.GetHashCode() == GetHashCode() && EqualsCore(other));

    /// <summary>Structural equality with a node of the same type and hash.</summary>
    /// <param name="other">The other node.</param>
    /// <returns>Whether they are the same grammar.</returns>
    private protected abstract bool EqualsCore(GrammarNode other);

    private int hash;

    /// <inheritdoc />
    public sealed override int GetHashCode()
    {
        // Nodes are immutable: the structural hash is computed once.
        if (hash == 0)
        {
            var computed = ComputeHash();
            hash = computed == 0 ? 1 : computed;
        }

        return hash;
    }

    /// <summary>The structural hash of the node.</summary>
    /// <returns>The hash.</returns>
    private protected abstract int ComputeHash();

    /// <summary>The node in GBNF notation (rule references by name).</summary>
    /// <returns>The text.</returns>
    public override string ToString()
    {
        var sb = new StringBuilder();
        GbnfWriter.Write(sb, this, 0, name => name);
        return sb.ToString();
    }
}

/// <summary>A fixed string.</summary>
public sealed class LiteralNode : GrammarNode
{
    internal LiteralNode(string text) => Text = text;

    /// <inheritdoc />
    public override GrammarNodeKind Kind => GrammarNodeKind.Literal;

    /// <summary>The text (matched as UTF-8).</summary>
    public string Text { get; }

    /// <inheritdoc />
    private protected override bool EqualsCore(GrammarNode other) => ((LiteralNode)other).Text == Text;

    /// <inheritdoc />
    private protected override int ComputeHash() => Text.GetHashCode();
}

/// <summary>A sequence of items.</summary>
public sealed class SequenceNode : GrammarNode
{
    internal SequenceNode(IReadOnlyList<GrammarNode> items) => Items = items;

    /// <inheritdoc />
    public override GrammarNodeKind Kind => GrammarNodeKind.Sequence;

    /// <summary>The items in order.</summary>
    public IReadOnlyList<GrammarNode> Items { get; }

    /// <inheritdoc />
    private protected override bool EqualsCore(GrammarNode other) => ((SequenceNode)other).Items.SequenceEqual(Items);

    /// <inheritdoc />
    private protected override int ComputeHash() => Items.Aggregate(17, (h, i) => (h * 31) + i.GetHashCode());
}

/// <summary>An alternation.</summary>
public sealed class ChoiceNode : GrammarNode
{
    internal ChoiceNode(IReadOnlyList<GrammarNode> alternatives) => Alternatives = alternatives;

    /// <inheritdoc />
    public override GrammarNodeKind Kind => GrammarNodeKind.Choice;

    /// <summary>The alternatives.</summary>
    public IReadOnlyList<GrammarNode> Alternatives { get; }

    /// <inheritdoc />
    private protected override bool EqualsCore(GrammarNode other) => ((ChoiceNode)other).Alternatives.SequenceEqual(Alternatives);

    /// <inheritdoc />
    private protected override int ComputeHash() => Alternatives.Aggregate(19, (h, i) => (h * 31) + i.GetHashCode());
}

/// <summary>A repetition.</summary>
public sealed class RepeatNode : GrammarNode
{
    internal RepeatNode(GrammarNode item, int min, int? max)
    {
        Item = item;
        Min = min;
        Max = max;
    }

    /// <inheritdoc />
    public override GrammarNodeKind Kind => GrammarNodeKind.Repeat;

    /// <summary>The repeated item.</summary>
    public GrammarNode Item { get; }

    /// <summary>The least number of times.</summary>
    public int Min { get; }

    /// <summary>The greatest number of times, or <see langword="null"/> for unbounded.</summary>
    public int? Max { get; }

    /// <inheritdoc />
    private protected override bool EqualsCore(GrammarNode other) =>
        other is RepeatNode repeat && repeat.Min == Min && repeat.Max == Max && repeat.Item.Equals(Item);

    /// <inheritdoc />
    private protected override int ComputeHash() => (Item.GetHashCode() * 31) + Min + ((Max ?? -1) * 7);
}

/// <summary>A reference to a named rule.</summary>
public sealed class RuleRefNode : GrammarNode
{
    internal RuleRefNode(string name) => Name = name;

    /// <inheritdoc />
    public override GrammarNodeKind Kind => GrammarNodeKind.RuleRef;

    /// <summary>The rule's name.</summary>
    public string Name { get; }

    /// <inheritdoc />
    private protected override bool EqualsCore(GrammarNode other) => ((RuleRefNode)other).Name == Name;

    /// <inheritdoc />
    private protected override int ComputeHash() => Name.GetHashCode();
}
