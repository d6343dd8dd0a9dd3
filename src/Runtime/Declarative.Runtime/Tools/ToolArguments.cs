using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;

namespace Declarative.Tools;

/// <summary>
/// Converts the arguments a model wrote (often all strings, as <c>dict[str, str]</c> parses them) to the types of the
/// tool's JSON schema and checks them: unknown and missing arguments, JSON types, <c>enum</c> values. Covers the schema
/// subset <see cref="AIFunctionFactory"/> produces (an object of typed properties).
/// </summary>
internal static class ToolArguments
{
    /// <summary>Converts and checks; returns the problems (empty when the arguments are valid).</summary>
    public static List<string> Convert(AIFunction tool, IReadOnlyDictionary<string, object?> raw, out Dictionary<string, object?> converted)
    {
        converted = new Dictionary<string, object?>(StringComparer.Ordinal);
        var problems = new List<string>();
        var schema = tool.JsonSchema;
        var properties = schema.ValueKind == JsonValueKind.Object && schema.TryGetProperty("properties", out var p) && p.ValueKind == JsonValueKind.Object
            ? p.EnumerateObject().ToDictionary(x => x.Name, x => x.Value, StringComparer.Ordinal)
            : new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var (name, value) in raw)
        {
            if (!properties.TryGetValue(name, out var propertySchema))
            {
                problems.Add($"'{name}' is not an argument of {tool.Name}; it takes {Names(properties.Keys)}");
                converted[name] = value;
                continue;
            }

            if (TryConvert(value, propertySchema, out var node, out var problem))
            {
                converted[name] = node is null ? null : JsonSerializer.SerializeToElement(node);
            }
            else
            {
                problems.Add($"argument '{name}': {problem}");
                converted[name] = value;
            }
        }

        if (schema.ValueKind == JsonValueKind.Object && schema.TryGetProperty("required", out var required) && required.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in required.EnumerateArray())
            {
                if (item.GetString() is { } name && !raw.ContainsKey(name))
                {
                    problems.Add($"the required argument '{name}' is missing");
                }
            }
        }

        return problems;
    }

    private static string Names(IEnumerable<string> names)
    {
        var list = names.ToList();
        return list.Count == 0 ? "no arguments" : string.Join(", ", list);
    }

    private static bool TryConvert(object? value, JsonElement schema, out JsonNode? node, out string problem)
    {
        problem = "";
        var types = Types(schema);
        var parsed = value switch
        {
            null => null,
            JsonElement e => JsonNode.Parse(e.GetRawText()),
            JsonNode n => n.DeepClone(),
            string s => FromString(s, types),
            _ => JsonSerializer.SerializeToNode(value),
        };
        node = parsed;
        var kind = parsed?.GetValueKind() ?? JsonValueKind.Null;
        if (types.Count > 0 && !types.Any(t => Matches(t, kind, parsed)))
        {
            problem = $"expected {string.Join(" or ", types)}, got {Describe(value)}";
            return false;
        }

        if (schema.ValueKind == JsonValueKind.Object && schema.TryGetProperty("enum", out var choices) && choices.ValueKind == JsonValueKind.Array
            && !choices.EnumerateArray().Any(c => JsonNode.DeepEquals(JsonNode.Parse(c.GetRawText()), parsed)))
        {
            problem = $"{Describe(value)} is not one of {choices.GetRawText()}";
            return false;
        }

        return true;
    }

    private static List<string> Types(JsonElement schema)
    {
        if (schema.ValueKind != JsonValueKind.Object || !schema.TryGetProperty("type", out var type))
        {
            return [];
        }

        return type.ValueKind switch
        {
            JsonValueKind.String => [type.GetString()!],
            JsonValueKind.Array => type.EnumerateArray().Select(t => t.GetString()!).ToList(),
            _ => [],
        };
    }

    /// <summary>A string written for a non-string type is read as that type's JSON ("3" for an integer).</summary>
    private static JsonNode? FromString(string text, List<string> types)
    {
        if (types.Count == 0 || types.Contains("string"))
        {
            return JsonValue.Create(text);
        }

        try
        {
            return JsonNode.Parse(text);
        }
        catch (JsonException)
        {
            return JsonValue.Create(text);
        }
    }

    private static bool Matches(string type, JsonValueKind kind, JsonNode? node) => type switch
    {
        "string" => kind == JsonValueKind.String,
        "integer" => kind == JsonValueKind.Number && node is JsonValue v && v.TryGetValue<decimal>(out var d) && decimal.Truncate(d) == d,
        "number" => kind == JsonValueKind.Number,
        "boolean" => kind is JsonValueKind.True or JsonValueKind.False,
        "object" => kind == JsonValueKind.Object,
        "array" => kind == JsonValueKind.Array,
        "null" => kind == JsonValueKind.Null,
        _ => true,
    };

    private static string Describe(object? value) => value switch
    {
        null => "null",
        string s => "'" + s + "'",
        JsonElement e => e.GetRawText(),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "null",
    };
}
