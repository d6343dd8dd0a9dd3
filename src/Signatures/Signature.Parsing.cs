namespace Declarative;

public sealed partial class Signature
{
    /// <summary>
    /// Parses DSPy's string form of a signature: <c>"context: list[str], question -> answer: int"</c>.
    /// A field without a type is a string.
    /// </summary>
    /// <param name="text">The signature text: inputs, <c>-&gt;</c>, outputs.</param>
    /// <param name="instructions">The task description; <see langword="null"/> for DSPy's default.</param>
    /// <returns>The signature, named <see cref="DefaultName"/>.</returns>
    /// <exception cref="SignatureException">The text is malformed; the message says where and what is accepted.</exception>
    /// <remarks>
    /// Types may be spelled as in Python (<c>str</c>, <c>int</c>, <c>float</c>, <c>bool</c>, <c>list[T]</c>,
    /// <c>dict[str, T]</c>, <c>Literal['a', 'b']</c>, <c>Optional[T]</c>, <c>T | None</c>) or as in C#
    /// (<c>string</c>, <c>int</c>, <c>double</c>, <c>bool</c>, <c>T[]</c>, <c>List&lt;T&gt;</c>,
    /// <c>Dictionary&lt;string, T&gt;</c>, <c>T?</c>).
    /// </remarks>
    public static Signature Parse(string text, string? instructions = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        var arrow = text.IndexOf("->", StringComparison.Ordinal);
        if (arrow < 0 || text.IndexOf("->", arrow + 2, StringComparison.Ordinal) >= 0)
        {
            throw new SignatureException($"Signature '{text}' must contain exactly one '->' between inputs and outputs, as in \"question -> answer\".");
        }

        var fields = new List<Field>();
        fields.AddRange(ParseSide(text[..arrow], FieldRole.Input, text));
        fields.AddRange(ParseSide(text[(arrow + 2)..], FieldRole.Output, text));
        return new Signature(DefaultName, fields, instructions);
    }

    /// <summary>Parses a type spelled as in a string signature (<c>list[str]</c>, <c>Dictionary&lt;string, int&gt;</c>…).</summary>
    /// <param name="type">The type text.</param>
    /// <returns>The shape.</returns>
    /// <exception cref="SignatureException">The type is unknown.</exception>
    public static TypeShape ParseType(string type)
    {
        ArgumentNullException.ThrowIfNull(type);
        var reader = new TypeReader(type);
        var shape = reader.ReadUnion();
        reader.ExpectEnd();
        return shape;
    }

    private static IEnumerable<Field> ParseSide(string side, FieldRole role, string whole)
    {
        var items = SplitTopLevel(side, ',');
        if (items.Count == 1 && string.IsNullOrWhiteSpace(items[0]))
        {
            throw new SignatureException(
                $"Signature '{whole}' has no {(role == FieldRole.Input ? "inputs before" : "outputs after")} '->'; declare at least one field there.");
        }

        foreach (var raw in items)
        {
            var item = raw.Trim();
            if (item.Length == 0)
            {
                throw new SignatureException($"Signature '{whole}' has an empty field (two commas in a row, or a trailing comma).");
            }

            var colon = item.IndexOf(':');
            var name = (colon < 0 ? item : item[..colon]).Trim();
            if (!Naming.IsValidFieldName(name))
            {
                throw new SignatureException($"'{name}' in signature '{whole}' is not a valid field name: use letters, digits and underscores, starting with a letter.");
            }

            TypeShape shape;
            try
            {
                shape = colon < 0 ? TypeShape.String : ParseType(item[(colon + 1)..]);
            }
            catch (SignatureException ex)
            {
                throw new SignatureException($"Field '{name}' in signature '{whole}': {ex.Message}", ex);
            }

            yield return new Field(name, role, shape);
        }
    }

    private static List<string> SplitTopLevel(string text, char separator)
    {
        var parts = new List<string>();
        var depth = 0;
        var start = 0;
        char quote = '\0';
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quote != '\0')
            {
                if (c == '\\')
                {
                    i++;
                }
                else if (c == quote)
                {
                    quote = '\0';
                }

                continue;
            }

            switch (c)
            {
                case '\'' or '"':
                    quote = c;
                    break;
                case '[' or '<' or '(':
                    depth++;
                    break;
                case ']' or '>' or ')':
                    depth--;
                    break;
                default:
                    if (c == separator && depth == 0)
                    {
                        parts.Add(text[start..i]);
                        start = i + 1;
                    }

                    break;
            }
        }

        parts.Add(text[start..]);
        return parts;
    }
}
