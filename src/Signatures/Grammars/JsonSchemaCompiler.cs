using System.Text.Json;
using System.Text.Json.Nodes;

namespace Declarative.Grammars;

/// <summary>
/// Compiles a JSON Schema (draft 2020-12, and draft-07's spellings) into a grammar of the JSON documents it accepts.
/// A keyword the compiler cannot enforce fails the compilation with its JSON pointer (or, with
/// <see cref="JsonSchemaCompilerOptions.Lenient"/>, is ignored with a warning); nothing is silently dropped.
/// </summary>
/// <remarks>
/// Object properties are produced in the schema's order (declared properties, then additional ones); strings use the
/// canonical JSON encoding (only <c>"</c>, <c>\</c> and control characters escaped). Enforced: type, enum, const,
/// properties, required, additionalProperties, unevaluatedProperties and unevaluatedItems (as the closed forms of
/// the merged schema), items, prefixItems, min/maxItems, min/maxLength, pattern, format (date, time, date-time,
/// uuid, email, uri, ipv4, ipv6), integer bounds and integer multipleOf, allOf (merged), anyOf, oneOf (when its
/// branches are disjoint by type or value), local $ref and $defs (recursive), min/maxProperties where implied.
/// </remarks>
public static partial class JsonSchemaCompiler
{
    /// <summary>Compiles a schema given as JSON text.</summary>
    /// <param name="schema">The schema.</param>
    /// <param name="options">Options; <see langword="null"/> for the defaults.</param>
    /// <returns>The grammar and any warnings.</returns>
    /// <exception cref="JsonSchemaCompileException">A keyword cannot be enforced (or the schema is malformed).</exception>
    /// <exception cref="JsonException">The text is not JSON.</exception>
    public static JsonSchemaCompilation Compile(string schema, JsonSchemaCompilerOptions? options = null) =>
        Compile(JsonNode.Parse(schema ?? throw new ArgumentNullException(nameof(schema))), options);

    /// <summary>Compiles a schema.</summary>
    /// <param name="schema">The schema (an object or a boolean).</param>
    /// <param name="options">Options; <see langword="null"/> for the defaults.</param>
    /// <returns>The grammar and any warnings.</returns>
    /// <exception cref="JsonSchemaCompileException">A keyword cannot be enforced (or the schema is malformed).</exception>
    public static JsonSchemaCompilation Compile(JsonNode? schema, JsonSchemaCompilerOptions? options = null)
    {
        var compilation = new Compilation(schema, options ?? JsonSchemaCompilerOptions.Default);
        return compilation.Run();
    }

    /// <summary>Writes a JSON value in the canonical compact form the grammars accept (numbers as written).</summary>
    /// <param name="value">The value.</param>
    /// <returns>The JSON text.</returns>
    public static string Canonical(JsonNode? value)
    {
        var sb = new System.Text.StringBuilder();
        WriteCanonical(sb, value);
        return sb.ToString();
    }

    /// <summary>A number with an integral value written as an integer (<c>1.0</c> → <c>1</c>), otherwise as written.</summary>
    private static string CanonicalNumber(string raw)
    {
        if (raw.IndexOfAny(['.', 'e', 'E']) < 0)
        {
            return raw;
        }

        return ExactDecimal.TryParse(raw, out var d) && d.IsIntegral ? d.ToString() : raw;
    }

    private static void WriteCanonical(System.Text.StringBuilder sb, JsonNode? value)
    {
        switch (value)
        {
            case null:
                sb.Append("null");
                break;
            case JsonObject obj:
                sb.Append('{');
                var first = true;
                foreach (var pair in obj)
                {
                    if (!first)
                    {
                        sb.Append(',');
                    }

                    first = false;
                    sb.Append('"').Append(JsonGrammar.EncodeContent(pair.Key)).Append("\":");
                    WriteCanonical(sb, pair.Value);
                }

                sb.Append('}');
                break;
            case JsonArray array:
                sb.Append('[');
                for (var i = 0; i < array.Count; i++)
                {
                    if (i > 0)
                    {
                        sb.Append(',');
                    }

                    WriteCanonical(sb, array[i]);
                }

                sb.Append(']');
                break;
            default:
                var element = value is JsonValue v && v.TryGetValue<JsonElement>(out var e) ? e : JsonSerializer.SerializeToElement(value);
                if (element.ValueKind == JsonValueKind.String)
                {
                    sb.Append('"').Append(JsonGrammar.EncodeContent(element.GetString()!)).Append('"');
                }
                else if (element.ValueKind == JsonValueKind.Number)
                {
                    sb.Append(CanonicalNumber(element.GetRawText()));
                }
                else
                {
                    sb.Append(element.GetRawText());
                }

                break;
        }
    }

    /// <summary>
    /// A JSON number as a double, whatever backs the node (parsed text, or an int, long, decimal or double set in code),
    /// alike with every System.Text.Json version: the generator runs these compilers in compiler hosts whose version
    /// may convert between numeric types less freely than the application's.
    /// </summary>
    internal static double Number(JsonNode node) =>
        node is JsonValue value && value.TryGetValue<double>(out var number)
            ? number
            : double.Parse(node.ToJsonString(), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture);
}
