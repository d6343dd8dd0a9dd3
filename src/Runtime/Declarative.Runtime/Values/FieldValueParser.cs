using System.Collections;
using System.Globalization;
using System.Numerics;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Declarative.Values;

/// <summary>
/// Reads a field's text (from a completion) or JSON value into a value of the field's shape: the CLR type when the
/// shape has one (typed signatures), otherwise <see cref="string"/>, <see cref="long"/>, <see cref="double"/>,
/// <see cref="bool"/>, <c>List&lt;object?&gt;</c> and <c>Dictionary&lt;string, object?&gt;</c>.
/// </summary>
public static class FieldValueParser
{
    /// <summary>Parses the text of one field as DSPy's <c>parse_value</c> does.</summary>
    /// <param name="text">The field's text, already trimmed.</param>
    /// <param name="shape">The expected shape.</param>
    /// <returns>The value.</returns>
    /// <exception cref="FormatException">The text is not a value of the shape; the message says why.</exception>
    public static object? Parse(string text, TypeShape shape)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(shape);
        switch (shape.Kind)
        {
            case TypeKind.String:
                return ConvertString(text, shape);
            case TypeKind.Nullable:
                if (text.Length == 0 || text is "None" or "null" or "NULL" or "none")
                {
                    return null;
                }

                return shape.Element!.Kind == TypeKind.String ? ConvertString(text, shape.Element) : Parse(text, shape.Element);
            case TypeKind.Enum:
            case TypeKind.Literal:
                return ParseChoice(text, shape);
            case TypeKind.Boolean:
            case TypeKind.Integer:
            case TypeKind.Number:
            case TypeKind.Decimal:
            case TypeKind.DateTime:
            case TypeKind.DateOnly:
            case TypeKind.TimeOnly:
            case TypeKind.Guid:
                var unquoted = Unquote(text.Trim());
                return FromNode(JsonValue.Create(unquoted), shape, "$");
            default:
                JsonNode? node;
                try
                {
                    node = LenientJson.Parse(text);
                }
                catch (FormatException ex)
                {
                    throw new FormatException($"expected {Expected(shape)} as JSON, but {ex.Message}", ex);
                }

                return FromNode(node, shape, "$");
        }
    }

    /// <summary>Converts a JSON node (or a CLR value) into a value of the shape, checking it as it goes.</summary>
    /// <param name="value">A <see cref="JsonNode"/>, <see cref="JsonElement"/> or CLR value.</param>
    /// <param name="shape">The expected shape.</param>
    /// <returns>The value.</returns>
    /// <exception cref="FormatException">The value does not fit the shape; the message names the JSON path.</exception>
    public static object? Convert(object? value, TypeShape shape) => value switch
    {
        JsonElement e => FromNode(JsonSerializer.SerializeToNode(e), shape, "$"),
        JsonNode or null => FromNode((JsonNode?)value, shape, "$"),
        string s => Parse(s, shape),
        _ when shape.ClrType is { } t && t.IsInstanceOfType(value) => value,
        _ => FromNode(JsonNode.Parse(PythonJson.Serialize(value)), shape, "$"),
    };

    private static string Unquote(string text) =>
        text.Length >= 2 && text[0] == text[^1] && text[0] is '"' or '\'' ? text[1..^1] : text;

    private static object ConvertString(string text, TypeShape shape) =>
        shape.ClrType == typeof(char) ? (text.Length == 1 ? text[0] : throw new FormatException($"expected one character, got '{text}'"))
        : shape.ClrType == typeof(Uri) ? new Uri(text, UriKind.RelativeOrAbsolute)
        : text;

    private static object ParseChoice(string text, TypeShape shape)
    {
        var candidate = text.Trim();
        if (Match(candidate, shape) is { } direct)
        {
            return direct;
        }

        if (shape.Kind == TypeKind.Literal && (candidate.StartsWith("Literal[", StringComparison.Ordinal) || candidate.StartsWith("str[", StringComparison.Ordinal)) && candidate.EndsWith(']'))
        {
            candidate = candidate[(candidate.IndexOf('[') + 1)..^1];
        }

        candidate = Unquote(candidate);
        return Match(candidate, shape)
            ?? throw new FormatException($"'{text}' is not one of {string.Join(", ", shape.Choices.Select(c => $"'{c}'"))}");
    }

    private static object? Match(string candidate, TypeShape shape)
    {
        foreach (var choice in shape.Choices)
        {
            if (string.Equals(choice, candidate, StringComparison.Ordinal))
            {
                return shape.Kind == TypeKind.Enum && shape.ClrType is { IsEnum: true } enumType
                    ? Enum.Parse(enumType, choice)
                    : choice;
            }
        }

        return null;
    }

    private static string Expected(TypeShape shape) => shape.Kind switch
    {
        TypeKind.List => "a JSON array",
        TypeKind.Dictionary or TypeKind.Object => "a JSON object",
        _ => "a value of type " + shape.DisplayName,
    };

    private static object? FromNode(JsonNode? node, TypeShape shape, string path)
    {
        if (node is null)
        {
            return shape.IsNullable ? null : throw new FormatException($"{path}: expected {Expected(shape)}, got null");
        }

        switch (shape.Kind)
        {
            case TypeKind.Nullable:
                return FromNode(node, shape.Element!, path);
            case TypeKind.String:
                return node is JsonValue sv && sv.GetValueKind() == JsonValueKind.String
                    ? ConvertString(sv.GetValue<string>(), shape)
                    : node is JsonValue other ? ConvertString(PythonJson.Scalar(other)!, shape)
                    : throw Mismatch(path, shape, node);
            case TypeKind.Boolean:
                return ReadBool(node, path);
            case TypeKind.Integer:
                return ReadInteger(node, shape, path);
            case TypeKind.Number:
                var d = ReadDouble(node, path);
                return shape.ClrType == typeof(float) ? (float)d : shape.ClrType == typeof(Half) ? (Half)d : d;
            case TypeKind.Decimal:
                return decimal.Parse(ScalarText(node, path), NumberStyles.Float, CultureInfo.InvariantCulture);
            case TypeKind.Enum:
            case TypeKind.Literal:
                return ParseChoice(ScalarText(node, path), shape);
            case TypeKind.DateTime:
                var dtText = ScalarText(node, path);
                if (shape.ClrType == typeof(DateTimeOffset))
                {
                    return DateTimeOffset.TryParse(dtText, CultureInfo.InvariantCulture, DateTimeStyles.None, out var dto)
                        ? dto : throw new FormatException($"{path}: '{dtText}' is not an ISO 8601 date-time");
                }

                return DateTime.TryParse(dtText, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var dt)
                    ? dt : throw new FormatException($"{path}: '{dtText}' is not an ISO 8601 date-time");
            case TypeKind.DateOnly:
                var dText = ScalarText(node, path);
                return DateOnly.TryParseExact(dText, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
                    ? date : throw new FormatException($"{path}: '{dText}' is not a date in the form yyyy-MM-dd");
            case TypeKind.TimeOnly:
                var tText = ScalarText(node, path);
                return TimeOnly.TryParse(tText, CultureInfo.InvariantCulture, DateTimeStyles.None, out var time)
                    ? time : throw new FormatException($"{path}: '{tText}' is not a time of day");
            case TypeKind.Guid:
                var gText = ScalarText(node, path);
                return Guid.TryParse(gText, out var guid) ? guid : throw new FormatException($"{path}: '{gText}' is not a UUID");
            case TypeKind.List:
                if (node is not JsonArray array)
                {
                    throw Mismatch(path, shape, node);
                }

                var items = new List<object?>(array.Count);
                for (var i = 0; i < array.Count; i++)
                {
                    items.Add(FromNode(array[i], shape.Element!, $"{path}[{i}]"));
                }

                return BuildList(items, shape);
            case TypeKind.Dictionary:
                if (node is not JsonObject map)
                {
                    throw Mismatch(path, shape, node);
                }

                var entries = new List<KeyValuePair<string, object?>>(map.Count);
                foreach (var (key, value) in map)
                {
                    entries.Add(new(key, FromNode(value, shape.Element!, $"{path}.{key}")));
                }

                return BuildDictionary(entries, shape);
            case TypeKind.Object:
                if (node is not JsonObject obj)
                {
                    throw Mismatch(path, shape, node);
                }

                return BuildObject(obj, shape, path);
            default:
                throw new FormatException($"{path}: unsupported shape {shape.Kind}");
        }
    }

    private static FormatException Mismatch(string path, TypeShape shape, JsonNode node) =>
        new($"{path}: expected {Expected(shape)}, got {Describe(node)}");

    private static string Describe(JsonNode node)
    {
        var json = node.ToJsonString();
        return node.GetValueKind() switch
        {
            JsonValueKind.Array => "an array",
            JsonValueKind.Object => "an object",
            _ => json.Length > 40 ? json[..40] + "…" : json,
        };
    }

    private static string ScalarText(JsonNode node, string path) =>
        node is JsonValue v ? PythonJson.Scalar(v)! : throw new FormatException($"{path}: expected a scalar, got {Describe(node)}");

    private static bool ReadBool(JsonNode node, string path)
    {
        if (node is JsonValue v && v.GetValueKind() is JsonValueKind.True or JsonValueKind.False)
        {
            return v.GetValue<bool>();
        }

        var text = ScalarText(node, path).Trim().ToLowerInvariant();
        return text switch
        {
            "true" or "yes" or "y" or "t" or "on" or "1" => true,
            "false" or "no" or "n" or "f" or "off" or "0" => false,
            _ => throw new FormatException($"{path}: '{text}' is not True or False"),
        };
    }

    private static double ReadDouble(JsonNode node, string path)
    {
        var text = ScalarText(node, path).Trim().Replace("_", string.Empty, StringComparison.Ordinal);
        return text switch
        {
            "inf" or "Infinity" => double.PositiveInfinity,
            "-inf" or "-Infinity" => double.NegativeInfinity,
            "nan" or "NaN" => double.NaN,
            _ => double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d)
                ? d : throw new FormatException($"{path}: '{text}' is not a number"),
        };
    }

    private static object ReadInteger(JsonNode node, TypeShape shape, string path)
    {
        var text = ScalarText(node, path).Trim().Replace("_", string.Empty, StringComparison.Ordinal);
        BigInteger value;
        if (!BigInteger.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value))
        {
            if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && d == Math.Floor(d) && !double.IsInfinity(d))
            {
                value = new BigInteger(d);
            }
            else
            {
                throw new FormatException($"{path}: '{text}' is not a whole number");
            }
        }

        var target = shape.ClrType ?? typeof(long);
        try
        {
            return target == typeof(BigInteger) ? value
                : target == typeof(Int128) ? (Int128)value
                : target == typeof(UInt128) ? (UInt128)value
                : target == typeof(nint) ? (nint)(long)value
                : target == typeof(nuint) ? (nuint)(ulong)value
                : System.Convert.ChangeType((decimal)value, target, CultureInfo.InvariantCulture);
        }
        catch (OverflowException)
        {
            throw new FormatException($"{path}: {text} does not fit in {target.Name}");
        }
    }

    private static object BuildList(List<object?> items, TypeShape shape)
    {
        var type = shape.ClrType;
        if (type is null || type.IsAssignableFrom(typeof(List<object?>)))
        {
            return items;
        }

        if (SignatureAccessors.FindListFactory(type) is { } generated)
        {
            return generated(items);
        }

        var elementType = type.IsArray ? type.GetElementType()! : ElementType(type);
        var typedList = (IList)Activator.CreateInstance(typeof(List<>).MakeGenericType(elementType))!;
        foreach (var item in items)
        {
            typedList.Add(item);
        }

        if (type.IsArray)
        {
            var array = Array.CreateInstance(elementType, items.Count);
            typedList.CopyTo(array, 0);
            return array;
        }

        if (type.IsInstanceOfType(typedList))
        {
            return typedList;
        }

        if (!type.IsAbstract && !type.IsInterface)
        {
            var collection = Activator.CreateInstance(type)!;
            var add = type.GetMethod("Add", [elementType])
                ?? throw new FormatException($"cannot build a {type.Name}: it has no Add({elementType.Name}) method");
            foreach (var item in items)
            {
                add.Invoke(collection, [item]);
            }

            return collection;
        }

        var set = typeof(HashSet<>).MakeGenericType(elementType);
        if (type.IsAssignableFrom(set))
        {
            return Activator.CreateInstance(set, typedList)!;
        }

        throw new FormatException($"cannot build a {type.Name}; use T[], List<T> or IReadOnlyList<T>");
    }

    private static Type ElementType(Type type) =>
        (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IEnumerable<>) ? type : type.GetInterfaces()
            .First(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>))).GetGenericArguments()[0];

    private static object BuildDictionary(List<KeyValuePair<string, object?>> entries, TypeShape shape)
    {
        var type = shape.ClrType;
        if (type is null)
        {
            var plain = new Dictionary<string, object?>(entries.Count, StringComparer.Ordinal);
            foreach (var (k, v) in entries)
            {
                plain[k] = v;
            }

            return plain;
        }

        if (SignatureAccessors.FindDictionaryFactory(type) is { } generated)
        {
            return generated(entries);
        }

        var valueType = type.GetInterfaces().Append(type)
            .First(i => i.IsGenericType && i.GetGenericTypeDefinition() is var d && (d == typeof(IDictionary<,>) || d == typeof(IReadOnlyDictionary<,>)))
            .GetGenericArguments()[1];
        var concrete = type.IsInterface || type.IsAbstract ? typeof(Dictionary<,>).MakeGenericType(typeof(string), valueType) : type;
        var dictionary = (IDictionary)Activator.CreateInstance(concrete)!;
        foreach (var (k, v) in entries)
        {
            dictionary[k] = v;
        }

        return dictionary;
    }

    private static object BuildObject(JsonObject obj, TypeShape shape, string path)
    {
        var values = new Dictionary<string, object?>(shape.Properties.Count, StringComparer.Ordinal);
        foreach (var property in shape.Properties)
        {
            var node = obj[property.Name] ?? FindCaseInsensitive(obj, property);
            if (node is null && !obj.ContainsKey(property.Name))
            {
                if (property.IsRequired)
                {
                    throw new FormatException($"{path}: the required property '{property.Name}' is missing");
                }

                values[property.Name] = null;
                continue;
            }

            values[property.Name] = FromNode(node, property.Shape, $"{path}.{property.Name}");
        }

        if (shape.ClrType is null)
        {
            return values;
        }

        return ObjectFactory.Create(shape, values);
    }

    private static JsonNode? FindCaseInsensitive(JsonObject obj, PropertyShape property)
    {
        foreach (var (key, value) in obj)
        {
            if (string.Equals(key, property.Name, StringComparison.OrdinalIgnoreCase)
                || (property.Member is { } m && string.Equals(key, m.Name, StringComparison.OrdinalIgnoreCase)))
            {
                return value;
            }
        }

        return null;
    }
}
