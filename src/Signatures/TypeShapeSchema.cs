using System.Text.Json.Nodes;

namespace Declarative;

/// <summary>
/// JSON Schemas of type shapes: the form DSPy shows in prompts (pydantic's schema with <c>type</c> first and keys
/// sorted), and the strict form sent as a structured-output response format.
/// </summary>
public static class TypeShapeSchema
{
    /// <summary>
    /// The schema DSPy's ChatAdapter shows after "must adhere to the JSON schema:": pydantic's schema of the type,
    /// with nested records and enums under <c>$defs</c>, property titles, and every object's keys sorted with
    /// <c>type</c> first.
    /// </summary>
    /// <param name="shape">The type shape.</param>
    /// <returns>A new schema object.</returns>
    public static JsonObject ForPrompt(TypeShape shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        var defs = new SortedDictionary<string, JsonObject>(StringComparer.Ordinal);
        JsonObject root;
        if (shape.Kind == TypeKind.Object)
        {
            root = PromptObject(shape, defs);
            if (defs.TryGetValue(shape.Name, out var self))
            {
                defs.Remove(shape.Name);
            }

            if (self is not null)
            {
                // recursive root: pydantic keeps the definition and refers to it
                defs[shape.Name] = self;
            }
        }
        else if (shape.Kind == TypeKind.Enum)
        {
            root = PromptEnum(shape);
        }
        else
        {
            root = Prompt(shape, defs);
        }

        if (defs.Count > 0)
        {
            root["$defs"] = DefsObject(defs);
        }

        return (JsonObject)SortTypeFirst(root)!;
    }

    /// <summary>
    /// The strict JSON Schema of a signature's outputs: an object with one property per output field, all required,
    /// <c>additionalProperties: false</c>, constraints as JSON Schema keywords.
    /// </summary>
    /// <param name="signature">The signature.</param>
    /// <returns>A new schema object.</returns>
    public static JsonObject ForOutputs(Signature signature)
    {
        ArgumentNullException.ThrowIfNull(signature);
        if (Grammars.SignatureGrammar.GeneratedSchema(signature) is { } generated)
        {
            return JsonNode.Parse(generated)!.AsObject();
        }

        var context = new StrictContext();
        var root = ClosedObject(signature.OutputFields.Select(f => (f.Name, f.Shape, f.Constraints, f.Description)), context);
        if (context.Defs.Count > 0)
        {
            root["$defs"] = DefsObject(context.Defs);
        }

        return root;
    }

    /// <summary>The strict JSON Schema of one value of the shape, with the given constraints applied.</summary>
    /// <param name="shape">The shape.</param>
    /// <param name="constraints">Constraints, or <see langword="null"/>.</param>
    /// <returns>A new schema object.</returns>
    public static JsonObject ForValue(TypeShape shape, FieldConstraints? constraints = null)
    {
        ArgumentNullException.ThrowIfNull(shape);
        var context = new StrictContext();
        var schema = Strict(shape, constraints ?? FieldConstraints.None, context);
        if (context.Defs.Count > 0)
        {
            schema["$defs"] = DefsObject(context.Defs);
        }

        return schema;
    }

    private static JsonObject DefsObject(SortedDictionary<string, JsonObject> defs)
    {
        var result = new JsonObject();
        foreach (var (name, schema) in defs)
        {
            result[name] = schema;
        }

        return result;
    }

    private static JsonObject Prompt(TypeShape shape, SortedDictionary<string, JsonObject> defs)
    {
        switch (shape.Kind)
        {
            case TypeKind.Enum:
                if (!defs.ContainsKey(shape.Name))
                {
                    defs[shape.Name] = PromptEnum(shape);
                }

                return new JsonObject { ["$ref"] = "#/$defs/" + shape.Name };
            case TypeKind.Object:
                if (!defs.ContainsKey(shape.Name))
                {
                    defs[shape.Name] = new JsonObject(); // placeholder against recursion
                    defs[shape.Name] = PromptObject(shape, defs);
                }

                return new JsonObject { ["$ref"] = "#/$defs/" + shape.Name };
            case TypeKind.Nullable:
                return new JsonObject { ["anyOf"] = new JsonArray(Prompt(shape.Element!, defs), new JsonObject { ["type"] = "null" }) };
            case TypeKind.List:
                return new JsonObject { ["items"] = Prompt(shape.Element!, defs), ["type"] = "array" };
            case TypeKind.Dictionary:
                return new JsonObject { ["additionalProperties"] = Prompt(shape.Element!, defs), ["type"] = "object" };
            case TypeKind.Literal:
                return new JsonObject { ["enum"] = StringArray(shape.Choices), ["type"] = "string" };
            default:
                return Scalar(shape);
        }
    }

    private static JsonObject PromptEnum(TypeShape shape) =>
        new() { ["enum"] = StringArray(shape.Choices), ["title"] = shape.Name, ["type"] = "string" };

    private static JsonObject PromptObject(TypeShape shape, SortedDictionary<string, JsonObject> defs)
    {
        var properties = new JsonObject();
        var required = new JsonArray();
        foreach (var property in shape.Properties)
        {
            var schema = Prompt(property.Shape, defs);
            ApplyConstraints(schema, property.Shape, property.Constraints);
            if (!schema.ContainsKey("$ref"))
            {
                schema["title"] = PythonFormat.Title(property.Name.Replace('_', ' '));
            }

            if (property.Description is not null)
            {
                schema["description"] = property.Description;
            }

            if (property.IsRequired)
            {
                required.Add(property.Name);
            }
            else
            {
                schema["default"] = null;
            }

            properties[property.Name] = schema;
        }

        var result = new JsonObject { ["properties"] = properties };
        if (required.Count > 0)
        {
            result["required"] = required;
        }

        result["title"] = shape.Name;
        result["type"] = "object";
        return result;
    }

    private static JsonObject Scalar(TypeShape shape) => shape.Kind switch
    {
        TypeKind.String => new JsonObject { ["type"] = "string" },
        TypeKind.Boolean => new JsonObject { ["type"] = "boolean" },
        TypeKind.Integer => new JsonObject { ["type"] = "integer" },
        TypeKind.Number or TypeKind.Decimal => new JsonObject { ["type"] = "number" },
        TypeKind.DateTime => new JsonObject { ["type"] = "string", ["format"] = "date-time" },
        TypeKind.DateOnly => new JsonObject { ["type"] = "string", ["format"] = "date" },
        TypeKind.TimeOnly => new JsonObject { ["type"] = "string", ["format"] = "time" },
        TypeKind.Guid => new JsonObject { ["type"] = "string", ["format"] = "uuid" },
        _ => throw new ArgumentOutOfRangeException(nameof(shape), shape.Kind, "not a scalar shape"),
    };

    /// <summary>
    /// An integer of a strict (output) schema, bounded by its CLR type when that is narrower than <see cref="long"/>,
    /// so every value the schema allows can be read into it. Prompt schemas leave it unbounded, as DSPy shows them.
    /// </summary>
    private static JsonObject IntegerSchema(Type? clrType)
    {
        var result = new JsonObject { ["type"] = "integer" };
        (long Min, long Max)? range =
            clrType == typeof(int) ? (int.MinValue, int.MaxValue)
            : clrType == typeof(uint) ? (0, uint.MaxValue)
            : clrType == typeof(short) ? (short.MinValue, short.MaxValue)
            : clrType == typeof(ushort) ? (0, ushort.MaxValue)
            : clrType == typeof(sbyte) ? (sbyte.MinValue, sbyte.MaxValue)
            : clrType == typeof(byte) ? (0, byte.MaxValue)
            : clrType == typeof(ulong) ? (0, long.MaxValue)
            : null;
        if (range is { } r)
        {
            result["minimum"] = r.Min;
            result["maximum"] = r.Max;
        }

        return result;
    }

    private sealed class StrictContext
    {
        public SortedDictionary<string, JsonObject> Defs { get; } = new(StringComparer.Ordinal);

        public HashSet<TypeShape> Building { get; } = new(ByReference.Instance);

        public HashSet<TypeShape> Recursive { get; } = new(ByReference.Instance);
    }

    /// <summary>Compares shapes by identity (recursive shapes are the same object).</summary>
    private sealed class ByReference : IEqualityComparer<TypeShape>
    {
        public static ByReference Instance { get; } = new();

        public bool Equals(TypeShape? x, TypeShape? y) => ReferenceEquals(x, y);

        public int GetHashCode(TypeShape obj) => System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(obj);
    }

    /// <summary>An object with exactly these members, all required, nothing else allowed.</summary>
    private static JsonObject ClosedObject(IEnumerable<(string Name, TypeShape Shape, FieldConstraints Constraints, string? Description)> members, StrictContext context)
    {
        var properties = new JsonObject();
        var required = new JsonArray();
        foreach (var (name, shape, constraints, description) in members)
        {
            var schema = Strict(shape, constraints, context);
            if (description is not null)
            {
                schema["description"] = description;
            }

            properties[name] = schema;
            required.Add(name);
        }

        return new JsonObject
        {
            ["type"] = "object",
            ["properties"] = properties,
            ["required"] = required,
            ["additionalProperties"] = false,
        };
    }

    private static JsonObject Strict(TypeShape shape, FieldConstraints constraints, StrictContext context)
    {
        JsonObject schema;
        switch (shape.Kind)
        {
            case TypeKind.Nullable:
                var inner = Strict(shape.Element!, constraints, context);
                return new JsonObject { ["anyOf"] = new JsonArray(inner, new JsonObject { ["type"] = "null" }) };
            case TypeKind.List:
                schema = new JsonObject { ["type"] = "array", ["items"] = Strict(shape.Element!, FieldConstraints.None, context) };
                break;
            case TypeKind.Dictionary:
                schema = new JsonObject { ["type"] = "object", ["additionalProperties"] = Strict(shape.Element!, FieldConstraints.None, context) };
                break;
            case TypeKind.Literal or TypeKind.Enum:
                schema = new JsonObject { ["type"] = "string", ["enum"] = StringArray(shape.Choices) };
                break;
            case TypeKind.Object:
                if (context.Building.Contains(shape))
                {
                    context.Recursive.Add(shape);
                    return new JsonObject { ["$ref"] = "#/$defs/" + shape.Name };
                }

                context.Building.Add(shape);
                schema = ClosedObject(shape.Properties.Select(p => (p.Name, p.Shape, p.Constraints, p.Description)), context);
                context.Building.Remove(shape);
                if (context.Recursive.Contains(shape))
                {
                    context.Defs[shape.Name] = schema;
                    return new JsonObject { ["$ref"] = "#/$defs/" + shape.Name };
                }

                return schema;
            case TypeKind.TimeOnly:
                // A time of day without an offset (JSON Schema's "time" format requires one).
                schema = new JsonObject { ["type"] = "string", ["pattern"] = "^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\\.[0-9]{1,7})?)?$" };
                break;
            case TypeKind.Integer:
                schema = IntegerSchema(shape.ClrType);
                break;
            default:
                schema = Scalar(shape);
                break;
        }

        ApplyConstraints(schema, shape, constraints);
        return schema;
    }

    private static void ApplyConstraints(JsonObject schema, TypeShape shape, FieldConstraints constraints)
    {
        if (constraints.IsEmpty)
        {
            return;
        }

        var kind = shape.NonNullable.Kind;
        var target = schema;
        if (schema["anyOf"] is JsonArray { Count: > 0 } anyOf && anyOf[0] is JsonObject first)
        {
            target = first;
        }

        if (constraints.Minimum is { } min)
        {
            target[constraints.MinimumIsExclusive ? "exclusiveMinimum" : "minimum"] = Number(min);
        }

        if (constraints.Maximum is { } max)
        {
            target[constraints.MaximumIsExclusive ? "exclusiveMaximum" : "maximum"] = Number(max);
        }

        var isList = kind == TypeKind.List;
        if (constraints.MinLength is { } minLength)
        {
            target[isList ? "minItems" : "minLength"] = minLength;
        }

        if (constraints.MaxLength is { } maxLength)
        {
            target[isList ? "maxItems" : "maxLength"] = maxLength;
        }

        if (constraints.Pattern is { } pattern)
        {
            target["pattern"] = pattern;
        }

        if (constraints.AllowedValues is { } allowed && kind is not TypeKind.String)
        {
            var values = new JsonArray();
            foreach (var value in allowed)
            {
                values.Add(kind is TypeKind.Integer or TypeKind.Number or TypeKind.Decimal && double.TryParse(value, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var d)
                    ? Number(d)
                    : JsonValue.Create(value));
            }

            target["enum"] = values;
        }
    }

    private static JsonNode Number(double value) =>
        value == Math.Floor(value) && Math.Abs(value) < 1e15 ? JsonValue.Create((long)value) : JsonValue.Create(value);

    private static JsonArray StringArray(IEnumerable<string> values)
    {
        var array = new JsonArray();
        foreach (var value in values)
        {
            array.Add(value);
        }

        return array;
    }

    /// <summary>DSPy's <c>move_type_to_front</c>: every object's keys sorted, <c>type</c> first.</summary>
    private static JsonNode? SortTypeFirst(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                var sorted = new JsonObject();
                var entries = obj.ToList();
                obj.Clear();
                foreach (var (key, value) in entries.OrderBy(e => e.Key != "type").ThenBy(e => e.Key, StringComparer.Ordinal))
                {
                    sorted[key] = SortTypeFirst(value);
                }

                return sorted;
            case JsonArray array:
                var items = array.ToList();
                array.Clear();
                var result = new JsonArray();
                foreach (var item in items)
                {
                    result.Add(SortTypeFirst(item));
                }

                return result;
            default:
                return node;
        }
    }
}
