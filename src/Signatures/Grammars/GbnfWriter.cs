using System.Globalization;
using System.Text;

namespace Declarative.Grammars;

/// <summary>Writes grammar nodes in GBNF, the grammar notation of llama.cpp.</summary>
internal static class GbnfWriter
{
    /// <summary>Precedence: 0 = alternation allowed, 1 = inside a sequence, 2 = operand of a postfix operator.</summary>
    public static void Write(StringBuilder sb, GrammarNode node, int precedence, Func<string, string> ruleName)
    {
        switch (node)
        {
            case LiteralNode literal:
                WriteLiteral(sb, literal.Text);
                break;
            case CharClassNode charClass:
                WriteClass(sb, charClass);
                break;
            case RuleRefNode reference:
                sb.Append(ruleName(reference.Name));
                break;
            case SequenceNode sequence:
                if (sequence.Items.Count == 0)
                {
                    sb.Append("\"\"");
                    break;
                }

                var wrapSeq = precedence >= 2;
                if (wrapSeq)
                {
                    sb.Append("( ");
                }

                for (var i = 0; i < sequence.Items.Count; i++)
                {
                    if (i > 0)
                    {
                        sb.Append(' ');
                    }

                    Write(sb, sequence.Items[i], 1, ruleName);
                }

                if (wrapSeq)
                {
                    sb.Append(" )");
                }

                break;
            case ChoiceNode choice:
                var wrap = precedence >= 1;
                if (wrap)
                {
                    sb.Append("( ");
                }

                for (var i = 0; i < choice.Alternatives.Count; i++)
                {
                    if (i > 0)
                    {
                        sb.Append(" | ");
                    }

                    Write(sb, choice.Alternatives[i], 1, ruleName);
                }

                if (wrap)
                {
                    sb.Append(" )");
                }

                break;
            case RepeatNode repeat:
                Write(sb, repeat.Item, 2, ruleName);
                sb.Append(repeat switch
                {
                    { Min: 0, Max: null } => "*",
                    { Min: 1, Max: null } => "+",
                    { Min: 0, Max: 1 } => "?",
                    { Max: null } => "{" + repeat.Min.ToString(CultureInfo.InvariantCulture) + ",}",
                    _ when repeat.Min == repeat.Max => "{" + repeat.Min.ToString(CultureInfo.InvariantCulture) + "}",
                    _ => "{" + repeat.Min.ToString(CultureInfo.InvariantCulture) + "," + repeat.Max!.Value.ToString(CultureInfo.InvariantCulture) + "}",
                });
                break;
            default:
                throw new GrammarException($"unknown node {node.GetType().Name}");
        }
    }

    private static void WriteLiteral(StringBuilder sb, string text)
    {
        sb.Append('"');
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                default:
                    if (c < 0x20 || c == 0x7F)
                    {
                        sb.Append("\\x").Append(((int)c).ToString("X2", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        sb.Append(c);
                    }

                    break;
            }
        }

        sb.Append('"');
    }

    private static void WriteClass(StringBuilder sb, CharClassNode node)
    {
        sb.Append('[');
        foreach (var range in node.Ranges)
        {
            WriteClassChar(sb, range.First);
            if (range.Last != range.First)
            {
                if (range.Last != range.First + 1)
                {
                    sb.Append('-');
                }

                WriteClassChar(sb, range.Last);
            }
        }

        sb.Append(']');
    }

    private static void WriteClassChar(StringBuilder sb, int codePoint)
    {
        switch (codePoint)
        {
            case '\\': sb.Append("\\\\"); return;
            case ']': sb.Append("\\]"); return;
            case '[': sb.Append("\\["); return;
            case '-': sb.Append("\\x2D"); return; // llama.cpp knows no \- escape
            case '^': sb.Append("\\x5E"); return;
            case '\n': sb.Append("\\n"); return;
            case '\r': sb.Append("\\r"); return;
            case '\t': sb.Append("\\t"); return;
        }

        if (codePoint < 0x20 || codePoint == 0x7F)
        {
            sb.Append("\\x").Append(codePoint.ToString("X2", CultureInfo.InvariantCulture));
        }
        else if (codePoint > 0xFFFF)
        {
            sb.Append("\\U").Append(codePoint.ToString("X8", CultureInfo.InvariantCulture));
        }
        else if (codePoint >= 0x80 && (char.IsWhiteSpace((char)codePoint) || char.IsControl((char)codePoint) || codePoint >= 0xFFF0))
        {
            sb.Append("\\u").Append(codePoint.ToString("X4", CultureInfo.InvariantCulture));
        }
        else
        {
            sb.Append((char)codePoint);
        }
    }
}
