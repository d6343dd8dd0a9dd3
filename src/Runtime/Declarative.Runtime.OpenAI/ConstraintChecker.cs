using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Declarative.Runtime.OpenAI;

/// <summary>
/// Checks a reply against the constraints <see cref="StrictSchema"/> moved out of the schema sent (lengths, ranges,
/// patterns, formats, item counts), walking the original schema through <c>$ref</c>, <c>anyOf</c>, properties and items.
/// Everything else the strict schema already enforced.
/// </summary>
internal static class ConstraintChecker
{
    private static readonly TimeSpan RegexTimeout = TimeSpan.FromSeconds(1);

    /// <summary>The violations in <paramref name="reply"/>, as "<c>$.path: what</c>" lines; empty when it complies or is not JSON (the adapter reports that).</summary>
    public static IReadOnlyList<string> Check(JsonObject schema, string reply)
    {
        JsonNode? value;
        try
        {
            value = JsonNode.Parse(reply);
        }
        catch (JsonException)
        {
            return [];
        }

        var violations = new List<string>();
        Walk(schema, schema, value, "$", violations, depth: 0);
        return violations;
    }

    private static void Walk(JsonObject root, JsonObject schema, JsonNode? value, string path, List<string> violations, int depth)
    {
        if (depth > 64)
        {
            return;
        }

        if (schema["$ref"] is JsonValue reference && reference.TryGetValue<string>(out var target) && Resolve(root, target) is { } resolved)
        {
            Walk(root, resolved, value, path, violations, depth + 1);
        }

        if (schema["anyOf"] is JsonArray branches)
        {
            // Check the first branch whose type fits the value; the strict schema already chose among them.
            var branch = branches.OfType<JsonObject>().FirstOrDefault(b => Fits(root, b, value));
            if (branch is not null)
            {
                Walk(root, branch, value, path, violations, depth + 1);
            }
        }

        switch (value)
        {
            case JsonObject obj when schema["properties"] is JsonObject properties:
                foreach (var (name, property) in properties)
                {
                    if (property is JsonObject p && obj.TryGetPropertyValue(name, out var child))
                    {
                        Walk(root, p, child, path + "." + name, violations, depth + 1);
                    }
                }

                break;
            case JsonArray array:
                CheckArray(schema, array, path, violations);
                if (schema["items"] is JsonObject items)
                {
                    for (var i = 0; i < array.Count; i++)
                    {
                        Walk(root, items, array[i], $"{path}[{i}]", violations, depth + 1);
                    }
                }

                break;
            case JsonValue scalar when scalar.GetValueKind() == JsonValueKind.String:
                CheckString(schema, scalar.GetValue<string>(), path, violations);
                break;
            case JsonValue scalar when scalar.GetValueKind() == JsonValueKind.Number:
                CheckNumber(schema, scalar.GetValue<double>(), path, violations);
                break;
        }
    }

    private static void CheckString(JsonObject schema, string text, string path, List<string> violations)
    {
        var length = text.EnumerateRunes().Count();
        if (Limit(schema, "minLength") is { } min && length < min)
        {
            violations.Add($"{path}: {length} characters, fewer than minLength {min}");
        }

        if (Limit(schema, "maxLength") is { } max && length > max)
        {
            violations.Add($"{path}: {length} characters, more than maxLength {max}");
        }

        if (schema["pattern"] is JsonValue p && p.TryGetValue<string>(out var pattern))
        {
            try
            {
                if (!Regex.IsMatch(text, pattern, RegexOptions.None, RegexTimeout))
                {
                    violations.Add($"{path}: does not match pattern {pattern}");
                }
            }
            catch (ArgumentException)
            {
                // a pattern .NET cannot compile is not the reply's fault
            }
        }

        if (schema["format"] is JsonValue f && f.TryGetValue<string>(out var format) && !FormatHolds(format, text))
        {
            violations.Add($"{path}: is not a valid {format}");
        }
    }

    private static void CheckNumber(JsonObject schema, double number, string path, List<string> violations)
    {
        if (Limit(schema, "minimum") is { } min && number < min)
        {
            violations.Add($"{path}: {number.ToString(CultureInfo.InvariantCulture)} is below minimum {min.ToString(CultureInfo.InvariantCulture)}");
        }

        if (Limit(schema, "maximum") is { } max && number > max)
        {
            violations.Add($"{path}: {number.ToString(CultureInfo.InvariantCulture)} is above maximum {max.ToString(CultureInfo.InvariantCulture)}");
        }

        if (Limit(schema, "exclusiveMinimum") is { } xmin && number <= xmin)
        {
            violations.Add($"{path}: {number.ToString(CultureInfo.InvariantCulture)} is not above exclusiveMinimum {xmin.ToString(CultureInfo.InvariantCulture)}");
        }

        if (Limit(schema, "exclusiveMaximum") is { } xmax && number >= xmax)
        {
            violations.Add($"{path}: {number.ToString(CultureInfo.InvariantCulture)} is not below exclusiveMaximum {xmax.ToString(CultureInfo.InvariantCulture)}");
        }

        if (Limit(schema, "multipleOf") is { } step && step > 0 && Math.Abs(Math.IEEERemainder(number, step)) > 1e-9 * Math.Max(1, Math.Abs(number)))
        {
            violations.Add($"{path}: {number.ToString(CultureInfo.InvariantCulture)} is not a multiple of {step.ToString(CultureInfo.InvariantCulture)}");
        }
    }

    private static void CheckArray(JsonObject schema, JsonArray array, string path, List<string> violations)
    {
        if (Limit(schema, "minItems") is { } min && array.Count < min)
        {
            violations.Add($"{path}: {array.Count} items, fewer than minItems {min}");
        }

        if (Limit(schema, "maxItems") is { } max && array.Count > max)
        {
            violations.Add($"{path}: {array.Count} items, more than maxItems {max}");
        }

        if (schema["uniqueItems"] is JsonValue u && u.GetValueKind() == JsonValueKind.True
            && array.Select(i => i?.ToJsonString() ?? "null").Distinct(StringComparer.Ordinal).Count() < array.Count)
        {
            violations.Add($"{path}: items are not unique");
        }
    }

    private static bool FormatHolds(string format, string text) => format switch
    {
        "date-time" => DateTimeOffset.TryParseExact(text, ["yyyy-MM-dd'T'HH:mm:ssK", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK"], CultureInfo.InvariantCulture, DateTimeStyles.None, out _),
        "date" => DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _),
        "time" => TimeOnly.TryParseExact(text.TrimEnd('Z'), ["HH:mm:ss", "HH:mm:ss.FFFFFFF"], CultureInfo.InvariantCulture, DateTimeStyles.None, out _),
        "uuid" => Guid.TryParseExact(text, "D", out _),
        "email" => text.IndexOf('@') is > 0 and var at && at < text.Length - 1 && !text.Contains(' ', StringComparison.Ordinal),
        "uri" => Uri.TryCreate(text, UriKind.Absolute, out _),
        "ipv4" => System.Net.IPAddress.TryParse(text, out var v4) && v4.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork,
        "ipv6" => System.Net.IPAddress.TryParse(text, out var v6) && v6.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6,
        _ => true, // unknown formats are annotations
    };

    private static double? Limit(JsonObject schema, string keyword) =>
        schema[keyword] is JsonValue v && v.GetValueKind() == JsonValueKind.Number ? v.GetValue<double>() : null;

    private static JsonObject? Resolve(JsonObject root, string reference)
    {
        if (!reference.StartsWith("#/", StringComparison.Ordinal))
        {
            return reference == "#" ? root : null;
        }

        JsonNode? node = root;
        foreach (var part in reference[2..].Split('/'))
        {
            node = node is JsonObject o ? o[part.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal)] : null;
        }

        return node as JsonObject;
    }

    private static bool Fits(JsonObject root, JsonObject schema, JsonNode? value)
    {
        if (schema["$ref"] is JsonValue r && r.TryGetValue<string>(out var target))
        {
            return Resolve(root, target) is { } resolved && Fits(root, resolved, value);
        }

        var kind = value switch
        {
            null => "null",
            JsonObject => "object",
            JsonArray => "array",
            _ => ((JsonValue)value).GetValueKind() switch
            {
                JsonValueKind.String => "string",
                JsonValueKind.Number => "number",
                JsonValueKind.True or JsonValueKind.False => "boolean",
                _ => "null",
            },
        };
        var types = schema["type"] switch
        {
            JsonValue t => [t.GetValue<string>()],
            JsonArray ts => ts.Select(t => t!.GetValue<string>()).ToArray(),
            _ => null as string[],
        };
        return types is null || types.Contains(kind) || (kind == "number" && types.Contains("integer"));
    }
}
