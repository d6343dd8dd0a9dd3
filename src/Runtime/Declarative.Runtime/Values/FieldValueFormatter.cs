using System.Collections;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Declarative.Values;

/// <summary>Formats field values for prompts exactly as DSPy's <c>format_field_value</c> does.</summary>
public static class FieldValueFormatter
{
    /// <summary>
    /// Formats a value: a list given for a text field becomes a numbered list of «quoted» items; other composite values
    /// become one-line JSON; scalars their Python <c>str()</c> (<c>True</c>, <c>3.0</c>, text as is).
    /// </summary>
    /// <param name="field">The field the value belongs to.</param>
    /// <param name="value">The value.</param>
    /// <returns>The text shown to the model.</returns>
    public static string Format(Field field, object? value)
    {
        ArgumentNullException.ThrowIfNull(field);
        if (value is string s)
        {
            return s;
        }

        if (field.Shape.Kind == TypeKind.String && AsList(value) is { } list)
        {
            return FormatTextList(list);
        }

        return PythonJson.Scalar(value) ?? PythonJson.Serialize(value);
    }

    private static List<object?>? AsList(object? value) => value switch
    {
        JsonArray array => array.Select(n => (object?)n).ToList(),
        JsonElement { ValueKind: JsonValueKind.Array } e => e.EnumerateArray().Select(x => (object?)x).ToList(),
        IDictionary or JsonNode or JsonElement or null => null,
        IEnumerable items => items.Cast<object?>().ToList(),
        _ => null,
    };

    private static string FormatTextList(List<object?> items)
    {
        if (items.Count == 0)
        {
            return "N/A";
        }

        if (items.Count == 1)
        {
            return Blob(items[0]);
        }

        var sb = new StringBuilder();
        for (var i = 0; i < items.Count; i++)
        {
            if (i > 0)
            {
                sb.Append('\n');
            }

            sb.Append('[').Append(i + 1).Append("] ").Append(Blob(items[i]));
        }

        return sb.ToString();
    }

    private static string Blob(object? item)
    {
        var text = PythonJson.Scalar(item) ?? PythonJson.Serialize(item);
        if (!text.Contains('\n') && !text.Contains('«') && !text.Contains('»'))
        {
            return "«" + text + "»";
        }

        return "«««\n    " + text.Replace("\n", "\n    ", StringComparison.Ordinal) + "\n»»»";
    }
}
