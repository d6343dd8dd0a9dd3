using System.Collections;
using System.Globalization;
using System.Numerics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Declarative;

/// <summary>
/// Writes JSON the way Python's <c>json.dumps(value, ensure_ascii=False)</c> does (<c>", "</c> and
/// <c>": "</c> separators, or <c>indent=2</c>), so that prompts match DSPy's byte for byte.
/// </summary>
/// <remarks>
/// Accepts <see cref="JsonNode"/>, <see cref="JsonElement"/>, strings, booleans, numbers, enums (by name),
/// dates and times (ISO 8601), <see cref="Guid"/>, string-keyed dictionaries, collections, and records or
/// classes (their public properties, named in snake_case).
/// </remarks>
public static class PythonJson
{
    /// <summary>Serializes a value on one line.</summary>
    /// <param name="value">The value.</param>
    /// <returns>The JSON text.</returns>
    public static string Serialize(object? value)
    {
        var sb = new StringBuilder();
        Write(sb, value, indent: null, depth: 0);
        return sb.ToString();
    }

    /// <summary>Serializes a value indented by <paramref name="indent"/> spaces per level (Python's <c>indent=</c>).</summary>
    /// <param name="value">The value.</param>
    /// <param name="indent">Spaces per level.</param>
    /// <returns>The JSON text.</returns>
    public static string Serialize(object? value, int indent)
    {
        var sb = new StringBuilder();
        Write(sb, value, indent, depth: 0);
        return sb.ToString();
    }

    /// <summary>Appends a value on one line.</summary>
    /// <param name="sb">The destination.</param>
    /// <param name="value">The value.</param>
    public static void Write(StringBuilder sb, object? value) => Write(sb, value, indent: null, depth: 0);

    /// <summary>A value as a JSON node (records in snake_case, dates as ISO 8601, enums by name; nodes are copied).</summary>
    /// <param name="value">The value.</param>
    /// <returns>The node, or <see langword="null"/> for null.</returns>
    public static JsonNode? ToNode(object? value) => value switch
    {
        null => null,
        JsonNode node => node.DeepClone(),
        string s => JsonValue.Create(s),
        bool b => JsonValue.Create(b),
        _ => JsonNode.Parse(Serialize(value)),
    };

    /// <summary>Whether a value is written as a JSON object or array (as opposed to a scalar).</summary>
    /// <param name="value">The value.</param>
    /// <returns><see langword="true"/> for composite values.</returns>
    public static bool IsComposite(object? value) => value switch
    {
        null or string or JsonValue => false,
        JsonNode => true,
        JsonElement e => e.ValueKind is JsonValueKind.Object or JsonValueKind.Array,
        IEnumerable => true,
        _ => Scalar(value) is null,
    };

    /// <summary>The text of a scalar as Python's <c>str()</c> of its JSON form (no quotes around strings), or <see langword="null"/> when the value is composite.</summary>
    /// <param name="value">The value.</param>
    /// <returns>The text, or <see langword="null"/>.</returns>
    public static string? Scalar(object? value) => value switch
    {
        null => "None",
        string s => s,
        bool b => PythonFormat.Bool(b),
        double d => PythonFormat.Float(d),
        float f => PythonFormat.Float(f),
        Half h => PythonFormat.Float((double)h),
        decimal m => m.ToString(CultureInfo.InvariantCulture),
        int or long or short or byte or sbyte or ushort or uint or ulong or Int128 or UInt128 or BigInteger or nint or nuint
            => Convert.ToString(value, CultureInfo.InvariantCulture),
        char c => c.ToString(),
        Enum e => e.ToString(),
        DateTime dt => FormatDateTime(dt),
        DateTimeOffset dto => dto.Offset == TimeSpan.Zero
            ? dto.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture) + "Z"
            : dto.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFFzzz", CultureInfo.InvariantCulture),
        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        TimeOnly t => t.ToString("HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture),
        Guid g => g.ToString("D"),
        Uri u => u.OriginalString,
        JsonValue v => ScalarOfJsonValue(v),
        JsonElement e => e.ValueKind is JsonValueKind.Object or JsonValueKind.Array ? null : ScalarOfElement(e),
        _ => null,
    };

    private static string FormatDateTime(DateTime dt)
    {
        var text = dt.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture);
        return dt.Kind == DateTimeKind.Utc ? text + "Z" : text;
    }

    private static string ScalarOfJsonValue(JsonValue v)
    {
        if (v.TryGetValue<JsonElement>(out var element))
        {
            return ScalarOfElement(element);
        }

        if (v.TryGetValue<string>(out var s))
        {
            return s;
        }

        if (v.TryGetValue<bool>(out var b))
        {
            return PythonFormat.Bool(b);
        }

        if (v.TryGetValue<double>(out var d) && !v.TryGetValue<long>(out _) && !v.TryGetValue<decimal>(out _))
        {
            return PythonFormat.Float(d);
        }

        return v.ToJsonString();
    }

    private static string ScalarOfElement(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.String => e.GetString()!,
        JsonValueKind.True => "True",
        JsonValueKind.False => "False",
        JsonValueKind.Null or JsonValueKind.Undefined => "None",
        _ => e.GetRawText(),
    };

    private static void Write(StringBuilder sb, object? value, int? indent, int depth)
    {
        switch (value)
        {
            case null:
                sb.Append("null");
                return;
            case string s:
                WriteString(sb, s);
                return;
            case bool b:
                sb.Append(b ? "true" : "false");
                return;
            case double d:
                sb.Append(JsonFloat(d));
                return;
            case float f:
                sb.Append(JsonFloat(f));
                return;
            case JsonNode node:
                WriteNode(sb, node, indent, depth);
                return;
            case JsonElement element:
                WriteElement(sb, element, indent, depth);
                return;
            case IDictionary dictionary:
                WriteObject(sb, dictionary.Keys.Cast<object>().Select(k => (Convert.ToString(k, CultureInfo.InvariantCulture)!, dictionary[k])), indent, depth);
                return;
            case IEnumerable<KeyValuePair<string, object?>> pairs:
                WriteObject(sb, pairs.Select(p => (p.Key, p.Value)), indent, depth);
                return;
        }

        if (Scalar(value) is { } scalar)
        {
            if (value is int or long or short or byte or sbyte or ushort or uint or ulong or Int128 or UInt128 or BigInteger or nint or nuint or decimal or Half)
            {
                sb.Append(scalar);
            }
            else
            {
                WriteString(sb, scalar);
            }

            return;
        }

        if (value is IEnumerable items)
        {
            WriteArray(sb, items.Cast<object?>(), indent, depth);
            return;
        }

        var shape = TypeShape.Of(value.GetType());
        if (shape.Kind != TypeKind.Object)
        {
            WriteString(sb, value.ToString() ?? string.Empty);
            return;
        }

        WriteObject(sb, shape.Properties.Select(p => (p.Name, p.Member!.GetValue(value))), indent, depth);
    }

    private static string JsonFloat(double d) =>
        double.IsNaN(d) ? "NaN" : double.IsPositiveInfinity(d) ? "Infinity" : double.IsNegativeInfinity(d) ? "-Infinity" : PythonFormat.Float(d);

    private static void WriteNode(StringBuilder sb, JsonNode node, int? indent, int depth)
    {
        switch (node)
        {
            case JsonObject obj:
                WriteObject(sb, obj.Select(p => (p.Key, (object?)p.Value)), indent, depth);
                break;
            case JsonArray array:
                WriteArray(sb, array.Select(n => (object?)n), indent, depth);
                break;
            case JsonValue v when v.TryGetValue<JsonElement>(out var element):
                WriteElement(sb, element, indent, depth);
                break;
            case JsonValue v when v.TryGetValue<string>(out var s):
                WriteString(sb, s);
                break;
            case JsonValue v when v.TryGetValue<bool>(out var b):
                sb.Append(b ? "true" : "false");
                break;
            case JsonValue v when v.TryGetValue<double>(out var d) && v.GetValueKind() == JsonValueKind.Number && !v.TryGetValue<long>(out _) && !v.TryGetValue<int>(out _) && !v.TryGetValue<decimal>(out _):
                sb.Append(JsonFloat(d));
                break;
            default:
                sb.Append(node.ToJsonString());
                break;
        }
    }

    private static void WriteElement(StringBuilder sb, JsonElement element, int? indent, int depth)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                WriteObject(sb, element.EnumerateObject().Select(p => (p.Name, (object?)p.Value)), indent, depth);
                break;
            case JsonValueKind.Array:
                WriteArray(sb, element.EnumerateArray().Select(e => (object?)e), indent, depth);
                break;
            case JsonValueKind.String:
                WriteString(sb, element.GetString()!);
                break;
            default:
                sb.Append(element.GetRawText());
                break;
        }
    }

    private static void WriteObject(StringBuilder sb, IEnumerable<(string Key, object? Value)> members, int? indent, int depth)
    {
        sb.Append('{');
        var first = true;
        foreach (var (key, value) in members)
        {
            Separator(sb, ref first, indent, depth + 1);
            WriteString(sb, key);
            sb.Append(": ");
            Write(sb, value, indent, depth + 1);
        }

        Close(sb, first, indent, depth, '}');
    }

    private static void WriteArray(StringBuilder sb, IEnumerable<object?> items, int? indent, int depth)
    {
        sb.Append('[');
        var first = true;
        foreach (var item in items)
        {
            Separator(sb, ref first, indent, depth + 1);
            Write(sb, item, indent, depth + 1);
        }

        Close(sb, first, indent, depth, ']');
    }

    private static void Separator(StringBuilder sb, ref bool first, int? indent, int depth)
    {
        if (!first)
        {
            sb.Append(indent is null ? ", " : ",");
        }

        if (indent is { } n)
        {
            sb.Append('\n').Append(' ', n * depth);
        }

        first = false;
    }

    private static void Close(StringBuilder sb, bool empty, int? indent, int depth, char close)
    {
        if (!empty && indent is { } n)
        {
            sb.Append('\n').Append(' ', n * depth);
        }

        sb.Append(close);
    }

    /// <summary>Appends a JSON string literal, escaping as Python's <c>json.dumps(ensure_ascii=False)</c> does.</summary>
    /// <param name="sb">The destination.</param>
    /// <param name="s">The string.</param>
    public static void WriteString(StringBuilder sb, string s)
    {
        sb.Append('"');
        foreach (var c in s)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                case '\b': sb.Append("\\b"); break;
                case '\f': sb.Append("\\f"); break;
                default:
                    if (c < 0x20)
                    {
                        sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
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
}
