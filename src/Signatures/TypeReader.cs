using System.Text;

namespace Declarative;

/// <summary>A small recursive-descent reader of type spellings in string signatures.</summary>
internal sealed class TypeReader(string text)
{
    private const string Accepted =
        "accepted types are str, int, float, bool, list[T], dict[str, T], Literal['a', 'b'], Optional[T], T | None, "
        + "and the C# spellings string, int, long, double, decimal, bool, T[], List<T>, Dictionary<string, T>, T?, "
        + "DateTime, DateOnly, TimeOnly, Guid";

    private int pos;

    public TypeShape ReadUnion()
    {
        var first = ReadPostfix();
        var nullable = false;
        var others = new List<TypeShape>();
        while (TryConsume('|'))
        {
            if (TryConsumeWord("None") || TryConsumeWord("null"))
            {
                nullable = true;
            }
            else
            {
                others.Add(ReadPostfix());
            }
        }

        if (others.Count > 0)
        {
            throw Error("unions of several types are not supported; use one type, optionally with '| None'");
        }

        return nullable ? TypeShape.Nullable(first) : first;
    }

    public void ExpectEnd()
    {
        SkipSpace();
        if (pos < text.Length)
        {
            throw Error($"unexpected '{text[pos..]}'");
        }
    }

    private TypeShape ReadPostfix()
    {
        var shape = ReadPrimary();
        while (true)
        {
            SkipSpace();
            if (pos + 1 < text.Length && text[pos] == '[' && text[pos + 1] == ']')
            {
                pos += 2;
                shape = TypeShape.List(shape);
            }
            else if (TryConsume('?'))
            {
                shape = TypeShape.Nullable(shape);
            }
            else
            {
                return shape;
            }
        }
    }

    private TypeShape ReadPrimary()
    {
        SkipSpace();
        var name = ReadIdentifier();
        switch (name)
        {
            case "str" or "string" or "String":
                return TypeShape.String;
            case "int" or "long" or "Int32" or "Int64" or "short" or "byte":
                return TypeShape.Integer;
            case "float" or "double" or "Double" or "Single":
                return TypeShape.Number;
            case "decimal" or "Decimal":
                return TypeShape.Scalar(TypeKind.Decimal);
            case "bool" or "Boolean":
                return TypeShape.Boolean;
            case "datetime" or "DateTime" or "DateTimeOffset":
                return TypeShape.Scalar(TypeKind.DateTime);
            case "date" or "DateOnly":
                return TypeShape.Scalar(TypeKind.DateOnly);
            case "time" or "TimeOnly":
                return TypeShape.Scalar(TypeKind.TimeOnly);
            case "UUID" or "uuid" or "Guid":
                return TypeShape.Scalar(TypeKind.Guid);
            case "list" or "List" or "IList" or "IReadOnlyList" or "IEnumerable" or "ICollection" or "IReadOnlyCollection" or "set" or "HashSet":
                return TypeShape.List(ReadArguments(1)[0]);
            case "dict" or "Dict" or "Dictionary" or "IDictionary" or "IReadOnlyDictionary":
                var args = ReadArguments(2);
                if (args[0].Kind != TypeKind.String)
                {
                    throw Error("dictionary keys must be strings");
                }

                return TypeShape.Dictionary(args[1]);
            case "Optional" or "Nullable":
                return TypeShape.Nullable(ReadArguments(1)[0]);
            case "Literal":
                return TypeShape.Literal(ReadLiteralChoices());
            default:
                throw Error(name.Length > 0 ? $"unknown type '{name}'"
                    : pos >= text.Length ? "the text ended where a type name was expected"
                    : $"expected a type name at '{text[pos..]}'");
        }
    }

    private List<TypeShape> ReadArguments(int count)
    {
        SkipSpace();
        char close;
        if (TryConsume('['))
        {
            close = ']';
        }
        else if (TryConsume('<'))
        {
            close = '>';
        }
        else
        {
            throw Error($"expected {count} type argument(s) in [...] or <...>");
        }

        var args = new List<TypeShape> { ReadUnion() };
        while (TryConsume(','))
        {
            args.Add(ReadUnion());
        }

        if (!TryConsume(close))
        {
            throw Error($"expected '{close}'");
        }

        if (args.Count != count)
        {
            throw Error($"expected {count} type argument(s), found {args.Count}");
        }

        return args;
    }

    private List<string> ReadLiteralChoices()
    {
        if (!TryConsume('['))
        {
            throw Error("Literal needs its values in brackets, as in Literal['yes', 'no']");
        }

        var choices = new List<string>();
        do
        {
            SkipSpace();
            if (pos < text.Length && text[pos] is '\'' or '"')
            {
                var quote = text[pos++];
                var sb = new StringBuilder();
                while (pos < text.Length && text[pos] != quote)
                {
                    if (text[pos] == '\\' && pos + 1 < text.Length)
                    {
                        pos++;
                    }

                    sb.Append(text[pos++]);
                }

                if (pos >= text.Length)
                {
                    throw Error("unterminated string in Literal[...]");
                }

                pos++;
                choices.Add(sb.ToString());
            }
            else
            {
                var start = pos;
                while (pos < text.Length && text[pos] is not ',' and not ']')
                {
                    pos++;
                }

                var bare = text[start..pos].Trim();
                if (bare.Length == 0)
                {
                    throw Error("empty value in Literal[...]");
                }

                choices.Add(bare);
            }
        }
        while (TryConsume(','));

        if (!TryConsume(']'))
        {
            throw Error("expected ']' to close Literal[...]");
        }

        return choices;
    }

    private string ReadIdentifier()
    {
        SkipSpace();
        var start = pos;
        while (pos < text.Length && (char.IsLetterOrDigit(text[pos]) || text[pos] is '_' or '.'))
        {
            pos++;
        }

        var name = text[start..pos];
        var dot = name.LastIndexOf('.');
        return dot >= 0 ? name[(dot + 1)..] : name; // typing.List, System.String
    }

    private bool TryConsume(char c)
    {
        SkipSpace();
        if (pos < text.Length && text[pos] == c)
        {
            pos++;
            return true;
        }

        return false;
    }

    private bool TryConsumeWord(string word)
    {
        SkipSpace();
        if (string.CompareOrdinal(text, pos, word, 0, word.Length) == 0
            && (pos + word.Length == text.Length || !char.IsLetterOrDigit(text[pos + word.Length])))
        {
            pos += word.Length;
            return true;
        }

        return false;
    }

    private void SkipSpace()
    {
        while (pos < text.Length && char.IsWhiteSpace(text[pos]))
        {
            pos++;
        }
    }

    private SignatureException Error(string what) =>
        new($"cannot read type '{text.Trim()}': {what}; {Accepted}.");
}
