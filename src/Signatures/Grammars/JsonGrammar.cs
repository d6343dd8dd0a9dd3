using System.Globalization;
using System.Text;

namespace Declarative.Grammars;

/// <summary>
/// The lexical layer of JSON: strings (in the canonical encoding — characters as themselves, only <c>"</c>,
/// <c>\</c> and control characters escaped, so that every string has exactly one spelling), numbers, literals and
/// whitespace, plus the rules for any JSON value.
/// </summary>
public sealed class JsonGrammar
{
    private static readonly CodePointRange[] Specials = [new(0, 0x1F), new('"', '"'), new('\\', '\\')];

    /// <summary>Creates the lexical rules in <paramref name="rules"/>.</summary>
    /// <param name="rules">Where the shared rules are defined.</param>
    /// <param name="maxWhitespace">How many whitespace characters may stand between tokens (0 for compact JSON).</param>
    /// <param name="dotNetValues">Whether numbers are limited to what .NET's types hold (see <see cref="JsonSchemaCompilerOptions.DotNetValues"/>).</param>
    public JsonGrammar(RuleSet rules, int maxWhitespace = 0, bool dotNetValues = false)
    {
        Rules = rules ?? throw new ArgumentNullException(nameof(rules));
        MaxWhitespace = maxWhitespace;
        DotNetValues = dotNetValues;
    }

    /// <summary>Whether integers have at most 18 digits and exponents at most 2 (so every number fits a long or a finite double).</summary>
    public bool DotNetValues { get; }

    /// <summary>The rule set the lexical rules live in.</summary>
    public RuleSet Rules { get; }

    /// <summary>How many whitespace characters may stand between tokens.</summary>
    public int MaxWhitespace { get; }

    /// <summary>Optional whitespace between tokens (empty for compact JSON).</summary>
    public GrammarNode Ws => MaxWhitespace == 0
        ? GrammarNode.Empty
        : Rules.GetOrDefine("ws", () => GrammarNode.Repeat(GrammarNode.Chars(" \t\n\r"), 0, MaxWhitespace));

    /// <summary>One character of a JSON string's content, canonically encoded.</summary>
    public GrammarNode AnyChar => Rules.GetOrDefine("json-char", () => Char((CharClassNode)GrammarNode.NotClass([])));

    /// <summary>
    /// The canonical encoding of one character from a class; when the class holds every character that must be escaped,
    /// the escapes are one shared rule (so large grammars stay small).
    /// </summary>
    /// <param name="characters">The decoded characters allowed.</param>
    /// <returns>The node.</returns>
    public GrammarNode Char(CharClassNode characters)
    {
        if (!Specials.All(r => Enumerable.Range(r.First, r.Last - r.First + 1).All(characters.Contains)))
        {
            return EncodedChar(characters);
        }

        var plain = characters.Ranges.SelectMany(r => Subtract(r, Specials)).ToList();
        var escapes = Rules.GetOrDefine("json-escape", () => GrammarNode.Choice(
            Specials.SelectMany(r => Enumerable.Range(r.First, r.Last - r.First + 1)).Select(c => GrammarNode.Literal(Escape(c)))));
        return plain.Count > 0 ? GrammarNode.Choice(GrammarNode.Class(plain), escapes) : escapes;
    }

    /// <summary>Any JSON string.</summary>
    public GrammarNode AnyString => Rules.GetOrDefine("json-string", () => GrammarNode.Seq(GrammarNode.Literal("\""), GrammarNode.Star(AnyChar), GrammarNode.Literal("\"")));

    /// <summary>An integer: <c>-?(0|[1-9][0-9]*)</c> (at most 18 digits with <see cref="DotNetValues"/>).</summary>
    public GrammarNode Integer => Rules.GetOrDefine("json-integer", () => GrammarNode.Seq(
        GrammarNode.Optional(GrammarNode.Literal("-")),
        GrammarNode.Choice(GrammarNode.Literal("0"), GrammarNode.Seq(GrammarNode.Class(new CodePointRange('1', '9')), DotNetValues ? GrammarNode.Repeat(Digit, 0, 17) : GrammarNode.Star(Digit)))));

    /// <summary>Any JSON number (with <see cref="DotNetValues"/>: an exponent of at most 2 digits, so the value is a finite double).</summary>
    public GrammarNode Number => Rules.GetOrDefine("json-number", () => GrammarNode.Seq(
        Integer,
        GrammarNode.Optional(GrammarNode.Seq(GrammarNode.Literal("."), GrammarNode.Plus(Digit))),
        GrammarNode.Optional(GrammarNode.Seq(GrammarNode.Chars("eE"), GrammarNode.Optional(GrammarNode.Chars("+-")), DotNetValues ? GrammarNode.Repeat(Digit, 1, 2) : GrammarNode.Plus(Digit)))));

    /// <summary>A decimal digit.</summary>
    public static GrammarNode Digit { get; } = GrammarNode.Class(new CodePointRange('0', '9'));

    /// <summary>Any JSON value.</summary>
    public GrammarNode AnyValue
    {
        get
        {
            if (Rules.Contains("json-value"))
            {
                return GrammarNode.Ref("json-value");
            }

            Rules.Reserve("json-value");
            var value = GrammarNode.Ref("json-value");
            var member = GrammarNode.Seq(AnyString, Ws, GrammarNode.Literal(":"), Ws, value);
            var obj = Rules.Define("json-object", GrammarNode.Seq(
                GrammarNode.Literal("{"), Ws,
                GrammarNode.Optional(GrammarNode.Seq(member, GrammarNode.Star(GrammarNode.Seq(Ws, GrammarNode.Literal(","), Ws, member)), Ws)),
                GrammarNode.Literal("}")));
            var array = Rules.Define("json-array", GrammarNode.Seq(
                GrammarNode.Literal("["), Ws,
                GrammarNode.Optional(GrammarNode.Seq(value, GrammarNode.Star(GrammarNode.Seq(Ws, GrammarNode.Literal(","), Ws, value)), Ws)),
                GrammarNode.Literal("]")));
            return Rules.Define("json-value", GrammarNode.Choice(
                obj, array, AnyString, Number, GrammarNode.Literal("true"), GrammarNode.Literal("false"), GrammarNode.Literal("null")));
        }
    }

    /// <summary>The canonical encoding of one character from a class, inside a JSON string.</summary>
    /// <param name="characters">The decoded characters allowed.</param>
    /// <returns>The node.</returns>
    public static GrammarNode EncodedChar(CharClassNode characters)
    {
        var plain = characters.Ranges.SelectMany(r => Subtract(r, Specials)).ToList();
        var alternatives = new List<GrammarNode>();
        if (plain.Count > 0)
        {
            alternatives.Add(GrammarNode.Class(plain));
        }

        foreach (var special in Specials)
        {
            for (var c = special.First; c <= special.Last; c++)
            {
                if (characters.Contains(c))
                {
                    alternatives.Add(GrammarNode.Literal(Escape(c)));
                }
            }
        }

        return GrammarNode.Choice(alternatives);
    }

    /// <summary>The canonical encoding of a string's content (without quotes).</summary>
    /// <param name="text">The decoded text.</param>
    /// <returns>The encoded text.</returns>
    public static string EncodeContent(string text)
    {
        var sb = new StringBuilder(text.Length + 2);
        foreach (var c in text)
        {
            sb.Append(c < 0x20 || c == '"' || c == '\\' ? Escape(c) : c.ToString());
        }

        return sb.ToString();
    }

    /// <summary>A decoded-text node (over code points) turned into the canonical encoding inside a JSON string.</summary>
    /// <param name="node">A node over decoded characters (no rule references).</param>
    /// <returns>The node over encoded text.</returns>
    public static GrammarNode Encode(GrammarNode node) => node switch
    {
        LiteralNode literal => GrammarNode.Literal(EncodeContent(literal.Text)),
        CharClassNode cls => EncodedChar(cls),
        SequenceNode seq => GrammarNode.Seq(seq.Items.Select(Encode)),
        ChoiceNode choice => GrammarNode.Choice(choice.Alternatives.Select(Encode)),
        RepeatNode repeat => GrammarNode.Repeat(Encode(repeat.Item), repeat.Min, repeat.Max),
        _ => throw new GrammarException("a string pattern cannot refer to rules"),
    };

    private static string Escape(int c) => c switch
    {
        '"' => "\\\"",
        '\\' => "\\\\",
        '\n' => "\\n",
        '\r' => "\\r",
        '\t' => "\\t",
        '\b' => "\\b",
        '\f' => "\\f",
        _ => "\\u" + c.ToString("x4", CultureInfo.InvariantCulture),
    };

    private static IEnumerable<CodePointRange> Subtract(CodePointRange range, CodePointRange[] remove)
    {
        var pieces = new List<CodePointRange> { range };
        foreach (var r in remove)
        {
            var next = new List<CodePointRange>();
            foreach (var p in pieces)
            {
                if (r.Last < p.First || r.First > p.Last)
                {
                    next.Add(p);
                    continue;
                }

                if (p.First < r.First)
                {
                    next.Add(new CodePointRange(p.First, r.First - 1));
                }

                if (p.Last > r.Last)
                {
                    next.Add(new CodePointRange(r.Last + 1, p.Last));
                }
            }

            pieces = next;
        }

        return pieces;
    }
}
