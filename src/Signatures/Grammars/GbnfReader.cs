using System.Globalization;
using System.Text;

namespace Declarative.Grammars;

/// <summary>
/// Reads GBNF, the grammar notation of llama.cpp, into the grammar IR: rules <c>name ::= body</c> (a body may span
/// lines), string literals, character classes (ranges, <c>^</c> negation), <c>.</c>, groups, alternation, the postfix
/// operators <c>* + ?</c> and <c>{m}</c>, <c>{m,}</c>, <c>{m,n}</c>, and <c>#</c> comments. What
/// <see cref="Grammar.ToGbnf"/> writes reads back to a grammar that writes the same text.
/// </summary>
internal sealed class GbnfReader
{
    private readonly string text;
    private int position;

    private GbnfReader(string text) => this.text = text;

    /// <summary>Reads a GBNF document whose start rule is <c>root</c>.</summary>
    public static Grammar Read(string gbnf)
    {
        var reader = new GbnfReader(gbnf ?? throw new ArgumentNullException(nameof(gbnf)));
        var rules = new List<KeyValuePair<string, GrammarNode>>();
        reader.SkipSpace();
        while (reader.position < reader.text.Length)
        {
            var start = reader.position;
            var name = reader.Name();
            reader.SkipSpace();
            if (!reader.Take("::="))
            {
                throw reader.Error(start, $"expected '::=' after the rule name '{name}'");
            }

            rules.Add(new KeyValuePair<string, GrammarNode>(name, reader.Alternation()));
            reader.SkipSpace();
        }

        if (rules.Count == 0)
        {
            throw new GrammarException("the GBNF text defines no rules; it needs at least 'root ::= ...'");
        }

        return new Grammar("root", rules);
    }

    private GrammarNode Alternation()
    {
        var alternatives = new List<GrammarNode> { Sequence() };
        while (true)
        {
            SkipSpace();
            if (!Take("|"))
            {
                return GrammarNode.Choice(alternatives);
            }

            alternatives.Add(Sequence());
        }
    }

    private GrammarNode Sequence()
    {
        var items = new List<GrammarNode>();
        while (true)
        {
            SkipSpace();
            if (position >= text.Length || text[position] is '|' or ')' || AtRuleStart())
            {
                return GrammarNode.Seq(items);
            }

            items.Add(Postfix(Primary()));
        }
    }

    private GrammarNode Primary()
    {
        var start = position;
        var c = text[position];
        switch (c)
        {
            case '"':
                position++;
                return GrammarNode.Literal(LiteralText(start));
            case '[':
                position++;
                return CharClass(start);
            case '.':
                position++;
                return GrammarNode.NotClass([]);
            case '(':
                position++;
                var inner = Alternation();
                SkipSpace();
                if (!Take(")"))
                {
                    throw Error(start, "a group opened here is not closed with ')'");
                }

                // A group is one item: keep a grouped sequence whole so a postfix operator applies to all of it.
                return inner;
            default:
                if (IsNameChar(c))
                {
                    return GrammarNode.Ref(Name());
                }

                throw Error(start, $"unexpected '{c}'");
        }
    }

    private GrammarNode Postfix(GrammarNode item)
    {
        while (position < text.Length)
        {
            var start = position;
            switch (text[position])
            {
                case '*':
                    position++;
                    item = GrammarNode.Star(item);
                    continue;
                case '+':
                    position++;
                    item = GrammarNode.Plus(item);
                    continue;
                case '?':
                    position++;
                    item = GrammarNode.Optional(item);
                    continue;
                case '{':
                    position++;
                    var min = Number(start);
                    int? max = min;
                    if (Take(","))
                    {
                        max = position < text.Length && text[position] == '}' ? null : Number(start);
                    }

                    if (!Take("}"))
                    {
                        throw Error(start, "a repetition opened here is not closed with '}'");
                    }

                    if (max < min)
                    {
                        throw Error(start, $"the repetition {{{min},{max}}} has a maximum below its minimum");
                    }

                    item = GrammarNode.Repeat(item, min, max);
                    continue;
                default:
                    return item;
            }
        }

        return item;
    }

    private string LiteralText(int start)
    {
        var sb = new StringBuilder();
        while (true)
        {
            if (position >= text.Length)
            {
                throw Error(start, "a string opened here is not closed with '\"'");
            }

            var c = text[position++];
            if (c == '"')
            {
                return sb.ToString();
            }

            if (c == '\\')
            {
                AppendCodePoint(sb, Escape(start));
            }
            else
            {
                sb.Append(c);
            }
        }
    }

    private GrammarNode CharClass(int start)
    {
        var negated = Take("^");
        var ranges = new List<CodePointRange>();
        while (true)
        {
            if (position >= text.Length)
            {
                throw Error(start, "a character class opened here is not closed with ']'");
            }

            if (text[position] == ']')
            {
                position++;
                return negated ? GrammarNode.NotClass(ranges) : GrammarNode.Class(ranges);
            }

            var first = ClassChar(start);
            var last = first;
            if (position + 1 < text.Length && text[position] == '-' && text[position + 1] != ']')
            {
                position++;
                last = ClassChar(start);
                if (last < first)
                {
                    throw Error(start, $"the range U+{first:X4}-U+{last:X4} runs backwards");
                }
            }

            ranges.Add(new CodePointRange(first, last));
        }
    }

    // One UTF-16 unit or escape at a time: the writer spells every code point above U+FFFF as \U, so two raw surrogates
    // side by side are two ends of a range, not one character.
    private int ClassChar(int start)
    {
        var c = text[position++];
        return c == '\\' ? Escape(start) : c;
    }

    private int Escape(int start)
    {
        if (position >= text.Length)
        {
            throw Error(start, "the text ends inside an escape");
        }

        var c = text[position++];
        return c switch
        {
            'n' => '\n',
            'r' => '\r',
            't' => '\t',
            '\\' or '"' or '[' or ']' or '-' or '^' => c,
            'x' => Hex(start, 2),
            'u' => Hex(start, 4),
            'U' => Hex(start, 8),
            _ => throw Error(position - 2, $"unknown escape '\\{c}'"),
        };
    }

    private int Hex(int start, int digits)
    {
        if (position + digits > text.Length
            || !int.TryParse(text.Substring(position, digits), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var value)
            || value > 0x10FFFF)
        {
            throw Error(start, $"expected {digits} hexadecimal digits of a code point");
        }

        position += digits;
        return value;
    }

    private int Number(int start)
    {
        SkipSpace();
        var from = position;
        while (position < text.Length && text[position] is >= '0' and <= '9')
        {
            position++;
        }

        if (from == position || !int.TryParse(text.Substring(from, position - from), NumberStyles.None, CultureInfo.InvariantCulture, out var value))
        {
            throw Error(start, "expected a repetition count");
        }

        SkipSpace();
        return value;
    }

    private string Name()
    {
        var from = position;
        while (position < text.Length && IsNameChar(text[position]))
        {
            position++;
        }

        if (from == position)
        {
            throw Error(from, "expected a rule name (letters, digits and '-')");
        }

        return text.Substring(from, position - from);
    }

    private bool AtRuleStart()
    {
        var at = position;
        while (at < text.Length && IsNameChar(text[at]))
        {
            at++;
        }

        if (at == position)
        {
            return false;
        }

        while (at < text.Length && text[at] is ' ' or '\t' or '\r' or '\n')
        {
            at++;
        }

        return string.CompareOrdinal(text, at, "::=", 0, 3) == 0;
    }

    private void SkipSpace()
    {
        while (position < text.Length)
        {
            var c = text[position];
            if (c is ' ' or '\t' or '\r' or '\n')
            {
                position++;
            }
            else if (c == '#')
            {
                while (position < text.Length && text[position] != '\n')
                {
                    position++;
                }
            }
            else
            {
                return;
            }
        }
    }

    private bool Take(string token)
    {
        if (string.CompareOrdinal(text, position, token, 0, token.Length) != 0)
        {
            return false;
        }

        position += token.Length;
        return true;
    }

    private static bool IsNameChar(char c) => c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '-' or '_';

    private static void AppendCodePoint(StringBuilder sb, int codePoint)
    {
        if (codePoint > 0xFFFF)
        {
            sb.Append(char.ConvertFromUtf32(codePoint));
        }
        else
        {
            sb.Append((char)codePoint);
        }
    }

    private GrammarException Error(int at, string message)
    {
        var line = 1;
        var column = 1;
        for (var i = 0; i < at && i < text.Length; i++)
        {
            if (text[i] == '\n')
            {
                line++;
                column = 1;
            }
            else
            {
                column++;
            }
        }

        return new GrammarException($"GBNF line {line}, column {column}: {message}");
    }
}
