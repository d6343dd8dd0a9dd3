using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace Declarative.Values;

/// <summary>
/// Reads JSON as models write it: strict JSON, and also Python literals (<c>'single quotes'</c>, <c>True</c>,
/// <c>None</c>, tuples), trailing commas, digit separators and a surrounding Markdown code fence.
/// </summary>
internal static class LenientJson
{
    /// <summary>
    /// The deepest nesting of objects and arrays read (System.Text.Json's default): deeper text is refused with a
    /// <see cref="FormatException"/> instead of recursing until the stack overflows, which no caller could catch.
    /// </summary>
    public const int MaxDepth = 64;

    /// <summary>Parses text into a node; throws <see cref="FormatException"/> naming the position when it is not a value.</summary>
    public static JsonNode? Parse(string text)
    {
        var body = CodeFence.Strip(text);
        var reader = new Reader(body);
        var value = reader.ReadValue();
        reader.SkipSpace();
        if (!reader.AtEnd)
        {
            throw new FormatException($"unexpected text after the value at position {reader.Position}");
        }

        return value;
    }

    /// <summary>
    /// The JSON object a model's reply holds, as the JSON adapter reads it: the whole reply read leniently, else the first
    /// balanced object inside it (a reply that wraps the object in prose); <see langword="null"/> when there is none.
    /// </summary>
    public static JsonObject? ReadObject(string text)
    {
        if (TryParse(text) is JsonObject whole)
        {
            return whole;
        }

        return FindObject(text) is { } embedded ? TryParse(embedded) as JsonObject : null;

        static JsonNode? TryParse(string candidate)
        {
            try
            {
                return Parse(candidate);
            }
            catch (FormatException)
            {
                return null; // not JSON as a whole: the caller tries what is inside, or reports the reply unreadable
            }
        }
    }

    /// <summary>
    /// How many '{' <see cref="FindObject"/> tries as the start of an object before it gives up: each try may read to the
    /// end of the text (an apostrophe in prose opens a quote that never closes), so without a bound a long degenerate
    /// reply full of braces would cost the square of its length.
    /// </summary>
    public const int MaxObjectStarts = 64;

    /// <summary>Finds the first balanced JSON object in text (for replies that wrap the object in prose).</summary>
    public static string? FindObject(string text)
    {
        var start = text.IndexOf('{');
        for (var tries = 0; start >= 0 && tries < MaxObjectStarts; tries++)
        {
            var depth = 0;
            char quote = '\0';
            for (var i = start; i < text.Length; i++)
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
                }
                else if (c is '"' or '\'')
                {
                    quote = c;
                }
                else if (c == '{')
                {
                    depth++;
                }
                else if (c == '}' && --depth == 0)
                {
                    return text[start..(i + 1)];
                }
            }

            start = text.IndexOf('{', start + 1);
        }

        return null;
    }

    private sealed class Reader(string text)
    {
        private int pos;
        private int depth;

        public bool AtEnd => pos >= text.Length;

        public int Position => pos;

        public void SkipSpace()
        {
            while (pos < text.Length && char.IsWhiteSpace(text[pos]))
            {
                pos++;
            }
        }

        public JsonNode? ReadValue()
        {
            SkipSpace();
            if (AtEnd)
            {
                throw new FormatException("expected a value but the text ended");
            }

            var c = text[pos];
            switch (c)
            {
                case '{' or '[' or '(':
                    if (++depth > MaxDepth)
                    {
                        throw new FormatException($"the value nests deeper than {MaxDepth} levels at position {pos}");
                    }

                    try
                    {
                        return c == '{' ? ReadObject() : ReadArray(c == '[' ? ']' : ')');
                    }
                    finally
                    {
                        depth--;
                    }

                case '"' or '\'':
                    return JsonValue.Create(ReadString());
            }

            if (c == '-' || c == '+' || c == '.' || char.IsDigit(c))
            {
                return ReadNumber();
            }

            var word = ReadWord();
            return word switch
            {
                "true" or "True" => JsonValue.Create(true),
                "false" or "False" => JsonValue.Create(false),
                "null" or "None" => null,
                "NaN" or "nan" => JsonValue.Create(double.NaN),
                "Infinity" or "inf" => JsonValue.Create(double.PositiveInfinity),
                _ => throw new FormatException($"unexpected '{(word.Length > 0 ? word : c.ToString())}' at position {pos}"),
            };
        }

        private JsonObject ReadObject()
        {
            pos++; // {
            var obj = new JsonObject();
            while (true)
            {
                SkipSpace();
                if (Try('}'))
                {
                    return obj;
                }

                var quoted = !AtEnd && text[pos] is '"' or '\'';
                var key = quoted ? ReadString() : ReadWord();
                if (key.Length == 0 && !quoted)
                {
                    throw new FormatException($"expected a property name at position {pos}");
                }

                SkipSpace();
                if (!Try(':'))
                {
                    throw new FormatException($"expected ':' after property '{key}' at position {pos}");
                }

                obj[key] = ReadValue();
                SkipSpace();
                if (Try(','))
                {
                    continue;
                }

                if (Try('}'))
                {
                    return obj;
                }

                throw new FormatException($"expected ',' or '}}' at position {pos}");
            }
        }

        private JsonArray ReadArray(char close)
        {
            pos++;
            var array = new JsonArray();
            while (true)
            {
                SkipSpace();
                if (Try(close))
                {
                    return array;
                }

                array.Add(ReadValue());
                SkipSpace();
                if (Try(','))
                {
                    continue;
                }

                if (Try(close))
                {
                    return array;
                }

                throw new FormatException($"expected ',' or '{close}' at position {pos}");
            }
        }

        private string ReadString()
        {
            var quote = text[pos++];
            var sb = new StringBuilder();
            while (pos < text.Length)
            {
                var c = text[pos++];
                if (c == quote)
                {
                    return sb.ToString();
                }

                if (c != '\\')
                {
                    sb.Append(c);
                    continue;
                }

                if (pos >= text.Length)
                {
                    break;
                }

                var e = text[pos++];
                switch (e)
                {
                    case 'n': sb.Append('\n'); break;
                    case 't': sb.Append('\t'); break;
                    case 'r': sb.Append('\r'); break;
                    case 'b': sb.Append('\b'); break;
                    case 'f': sb.Append('\f'); break;
                    case 'u' when pos + 4 <= text.Length
                        && int.TryParse(text.AsSpan(pos, 4), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var code):
                        sb.Append((char)code);
                        pos += 4;
                        break;
                    default: sb.Append(e); break;
                }
            }

            throw new FormatException("unterminated string");
        }

        private JsonNode ReadNumber()
        {
            var start = pos;
            while (pos < text.Length && (char.IsAsciiLetterOrDigit(text[pos]) || text[pos] is '-' or '+' or '.' or '_'))
            {
                pos++;
            }

            var raw = text[start..pos].Replace("_", string.Empty, StringComparison.Ordinal).TrimStart('+');
            if (long.TryParse(raw, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l))
            {
                return JsonValue.Create(l);
            }

            if (decimal.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out var m) && !raw.Contains('e') && !raw.Contains('E'))
            {
                return JsonValue.Create(double.Parse(raw, CultureInfo.InvariantCulture));
            }

            if (double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out var d))
            {
                return JsonValue.Create(d);
            }

            if (raw is "-inf" or "-Infinity")
            {
                return JsonValue.Create(double.NegativeInfinity);
            }

            throw new FormatException($"'{raw}' is not a number");
        }

        private string ReadWord()
        {
            var start = pos;
            while (pos < text.Length && (char.IsLetterOrDigit(text[pos]) || text[pos] == '_'))
            {
                pos++;
            }

            return text[start..pos];
        }

        private bool Try(char c)
        {
            if (pos < text.Length && text[pos] == c)
            {
                pos++;
                return true;
            }

            return false;
        }
    }
}
