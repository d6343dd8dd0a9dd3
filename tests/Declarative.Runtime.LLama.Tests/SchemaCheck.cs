using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Declarative.Runtime.LLama.Tests;

/// <summary>
/// A small JSON Schema validator written for these tests, independent of the grammar compiler, for the keywords the
/// corpus uses. A keyword it does not know fails the check, so a schema is never checked more loosely than it reads.
/// </summary>
internal static class SchemaCheck
{
    private static readonly HashSet<string> Annotations = ["$schema", "$id", "$defs", "definitions", "title", "description", "default", "examples", "$comment"];

    /// <summary>The first violation of <paramref name="schema"/> by <paramref name="value"/>, or null.</summary>
    public static string? Violation(JsonNode schema, JsonNode? value) => Check(schema, schema, value, "$");

    private static string? Check(JsonNode root, JsonNode schema, JsonNode? value, string at)
    {
        if (schema is JsonValue b && b.TryGetValue<bool>(out var allowed))
        {
            return allowed ? null : $"{at}: no value is allowed";
        }

        var s = schema.AsObject();
        foreach (var (keyword, rule) in s)
        {
            if (Annotations.Contains(keyword))
            {
                continue;
            }

            var error = keyword switch
            {
                "$ref" => Check(root, Resolve(root, rule!.GetValue<string>()), value, at),
                "type" => TypeOk(rule!, value) ? null : $"{at}: {Show(value)} is not of type {rule!.ToJsonString()}",
                "enum" => rule!.AsArray().Any(e => JsonNode.DeepEquals(e, value)) ? null : $"{at}: {Show(value)} is not in {rule!.ToJsonString()}",
                "const" => JsonNode.DeepEquals(rule, value) ? null : $"{at}: {Show(value)} is not {rule!.ToJsonString()}",
                "properties" => value is JsonObject o ? FirstOf(o.Where(p => rule!.AsObject().ContainsKey(p.Key)).Select(p => Check(root, rule![p.Key]!, p.Value, $"{at}.{p.Key}"))) : null,
                "required" => value is JsonObject o2 ? rule!.AsArray().Select(r => r!.GetValue<string>()).Where(r => !o2.ContainsKey(r)).Select(r => $"{at}: missing {r}").FirstOrDefault() : null,
                "additionalProperties" => value is JsonObject o3 ? FirstOf(o3.Where(p => !(s["properties"]?.AsObject().ContainsKey(p.Key) ?? false)).Select(p => Check(root, rule!, p.Value, $"{at}.{p.Key}"))) : null,
                "items" => value is JsonArray a ? FirstOf(a.Skip(s["prefixItems"]?.AsArray().Count ?? 0).Select((e, i) => Check(root, rule!, e, $"{at}[{i}]"))) : null,
                "prefixItems" => value is JsonArray a2 ? FirstOf(a2.Take(rule!.AsArray().Count).Select((e, i) => Check(root, rule![i]!, e, $"{at}[{i}]"))) : null,
                "minItems" => value is JsonArray a3 && a3.Count < Int(rule) ? $"{at}: {a3.Count} items, fewer than {rule}" : null,
                "maxItems" => value is JsonArray a4 && a4.Count > Int(rule) ? $"{at}: {a4.Count} items, more than {rule}" : null,
                "minProperties" => value is JsonObject o4 && o4.Count < Int(rule) ? $"{at}: {o4.Count} properties, fewer than {rule}" : null,
                "maxProperties" => value is JsonObject o5 && o5.Count > Int(rule) ? $"{at}: {o5.Count} properties, more than {rule}" : null,
                "minLength" => value is JsonValue v && v.TryGetValue<string>(out var t) && CodePoints(t) < Int(rule) ? $"{at}: '{t}' shorter than {rule}" : null,
                "maxLength" => value is JsonValue v2 && v2.TryGetValue<string>(out var t2) && CodePoints(t2) > Int(rule) ? $"{at}: '{t2}' longer than {rule}" : null,
                "pattern" => value is JsonValue v3 && v3.TryGetValue<string>(out var t3) && !Regex.IsMatch(t3, rule!.GetValue<string>(), RegexOptions.ECMAScript) ? $"{at}: '{t3}' does not match {rule}" : null,
                "format" => value is JsonValue v4 && v4.TryGetValue<string>(out var t4) && !FormatOk(rule!.GetValue<string>(), t4) ? $"{at}: '{t4}' is not a {rule}" : null,
                "minimum" => Number(value) is { } n && n < Dec(rule) ? $"{at}: {n} below {rule}" : null,
                "maximum" => Number(value) is { } n2 && n2 > Dec(rule) ? $"{at}: {n2} above {rule}" : null,
                "exclusiveMinimum" => Number(value) is { } n3 && n3 <= Dec(rule) ? $"{at}: {n3} not above {rule}" : null,
                "exclusiveMaximum" => Number(value) is { } n4 && n4 >= Dec(rule) ? $"{at}: {n4} not below {rule}" : null,
                "multipleOf" => Number(value) is { } n5 && n5 % Dec(rule) != 0 ? $"{at}: {n5} not a multiple of {rule}" : null,
                "anyOf" => rule!.AsArray().Any(r => Check(root, r!, value, at) is null) ? null : $"{at}: {Show(value)} matches no anyOf branch",
                "oneOf" => rule!.AsArray().Count(r => Check(root, r!, value, at) is null) == 1 ? null : $"{at}: {Show(value)} does not match exactly one oneOf branch",
                "allOf" => FirstOf(rule!.AsArray().Select(r => Check(root, r!, value, at))),
                _ => $"{at}: the test validator does not know '{keyword}'",
            };
            if (error is not null)
            {
                return error;
            }
        }

        return null;
    }

    private static JsonNode Resolve(JsonNode root, string reference)
    {
        if (!reference.StartsWith("#", StringComparison.Ordinal))
        {
            throw new NotSupportedException($"external reference {reference}");
        }

        var node = root;
        foreach (var part in reference.TrimStart('#').Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            node = node[part.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal)]!;
        }

        return node;
    }

    private static bool TypeOk(JsonNode rule, JsonNode? value) => rule is JsonArray types
        ? types.Any(t => TypeOk(t!, value))
        : rule.GetValue<string>() switch
        {
            "null" => value is null,
            "boolean" => value is JsonValue v && v.GetValueKind() is System.Text.Json.JsonValueKind.True or System.Text.Json.JsonValueKind.False,
            "string" => value is JsonValue v2 && v2.GetValueKind() == System.Text.Json.JsonValueKind.String,
            "number" => Number(value) is not null,
            "integer" => Number(value) is { } n && n == decimal.Truncate(n),
            "object" => value is JsonObject,
            "array" => value is JsonArray,
            var other => throw new NotSupportedException(other),
        };

    private static bool FormatOk(string format, string text) => format switch
    {
        "date" => DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _),
        "date-time" => Regex.IsMatch(text, @"^\d{4}-\d{2}-\d{2}[Tt]([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d+)?([Zz]|[+-]([01]\d|2[0-3]):[0-5]\d)$") && FormatOk("date", text[..10]),
        "time" => Regex.IsMatch(text, @"^([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d+)?([Zz]|[+-]([01]\d|2[0-3]):[0-5]\d)$"),
        "uuid" => Guid.TryParseExact(text, "D", out _),
        "email" => Regex.IsMatch(text, @"^[^@\s]+@[^@\s]+$"),
        "ipv4" => System.Net.IPAddress.TryParse(text, out var ip) && ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork && text.Split('.').Length == 4,
        _ => throw new NotSupportedException($"format {format}"),
    };

    private static decimal? Number(JsonNode? value)
    {
        if (value is not JsonValue v || v.GetValueKind() != System.Text.Json.JsonValueKind.Number)
        {
            return null;
        }

        var text = v.ToJsonString();
        return decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var exact)
            ? exact
            : (decimal)Math.Clamp(double.Parse(text, CultureInfo.InvariantCulture), -7.9e28, 7.9e28); // beyond decimal: far outside any bound used here
    }

    private static int Int(JsonNode? rule) => rule!.GetValue<int>();

    private static decimal Dec(JsonNode? rule) => decimal.Parse(rule!.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture);

    private static int CodePoints(string text) => text.EnumerateRunes().Count();

    private static string? FirstOf(IEnumerable<string?> errors) => errors.FirstOrDefault(e => e is not null);

    private static string Show(JsonNode? value) => value?.ToJsonString() ?? "null";
}
