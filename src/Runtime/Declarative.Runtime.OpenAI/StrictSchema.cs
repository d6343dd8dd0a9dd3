using System.Text.Json.Nodes;

namespace Declarative.Runtime.OpenAI;

/// <summary>
/// Rewrites a JSON schema into the subset OpenAI's strict structured outputs accept: every object closed
/// (<c>additionalProperties: false</c>) with every property required, properties that were optional made nullable,
/// <c>oneOf</c> turned into <c>anyOf</c>, and the value constraints strict mode may reject (<see cref="MovedKeywords"/>)
/// moved into the schema's <c>description</c>. The original schema is kept so that the moved constraints can be checked
/// on the reply (<see cref="ConstraintChecker"/>).
/// </summary>
internal sealed class StrictSchema
{
    /// <summary>
    /// Keywords taken out of the schema sent. Conservative: OpenAI's documentation lists some of them as supported on
    /// some models only, and a strict request with an unsupported keyword fails as a whole.
    /// </summary>
    public static readonly IReadOnlySet<string> MovedKeywords = new HashSet<string>(StringComparer.Ordinal)
    {
        "pattern", "format", "minLength", "maxLength", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum",
        "multipleOf", "minItems", "maxItems", "uniqueItems", "minProperties", "maxProperties", "default",
    };

    /// <summary>Keywords dropped (they describe nothing the model should produce differently).</summary>
    private static readonly string[] Dropped = ["$schema", "$id", "patternProperties", "unevaluatedProperties", "propertyNames"];

    private StrictSchema(JsonObject original, JsonObject strict, int movedCount)
    {
        Original = original;
        Strict = strict;
        MovedCount = movedCount;
    }

    /// <summary>The schema as the adapter gave it.</summary>
    public JsonObject Original { get; }

    /// <summary>The schema to send with <c>strict: true</c>.</summary>
    public JsonObject Strict { get; }

    /// <summary>How many constraints were moved into descriptions (and so are checked after the reply).</summary>
    public int MovedCount { get; }

    /// <summary>Rewrites <paramref name="schema"/>; the argument is not changed.</summary>
    public static StrictSchema From(JsonObject schema)
    {
        ArgumentNullException.ThrowIfNull(schema);
        var strict = (JsonObject)schema.DeepClone();
        var moved = 0;
        Rewrite(strict, ref moved);
        if (strict["$defs"] is JsonObject defs)
        {
            foreach (var (_, def) in defs)
            {
                if (def is JsonObject d)
                {
                    Rewrite(d, ref moved);
                }
            }
        }

        return new StrictSchema(schema, strict, moved);
    }

    private static void Rewrite(JsonObject schema, ref int moved)
    {
        foreach (var keyword in Dropped)
        {
            schema.Remove(keyword);
        }

        if (schema["oneOf"] is JsonArray oneOf)
        {
            schema.Remove("oneOf");
            schema["anyOf"] = oneOf.DeepClone();
        }

        var notes = new List<string>();
        foreach (var keyword in schema.Select(p => p.Key).Where(MovedKeywords.Contains).ToList())
        {
            notes.Add(keyword + ": " + schema[keyword]!.ToJsonString());
            schema.Remove(keyword);
        }

        if (notes.Count > 0)
        {
            moved += notes.Count;
            var text = "Constraints: " + string.Join("; ", notes) + ".";
            schema["description"] = schema["description"]?.GetValue<string>() is { Length: > 0 } description ? description + " " + text : text;
        }

        if (schema["properties"] is JsonObject properties)
        {
            var required = schema["required"] is JsonArray r
                ? r.Select(n => n!.GetValue<string>()).ToHashSet(StringComparer.Ordinal)
                : [];
            foreach (var (name, property) in properties.ToList())
            {
                if (property is not JsonObject p)
                {
                    continue;
                }

                Rewrite(p, ref moved);
                if (!required.Contains(name))
                {
                    properties[name] = Nullable(p);
                }
            }

            schema["required"] = new JsonArray(properties.Select(p => (JsonNode)JsonValue.Create(p.Key)!).ToArray());
        }

        if (IsObject(schema))
        {
            schema["additionalProperties"] = false;
            schema["properties"] ??= new JsonObject();
            schema["required"] ??= new JsonArray();
        }

        if (schema["items"] is JsonObject items)
        {
            Rewrite(items, ref moved);
        }

        foreach (var key in new[] { "anyOf", "allOf", "prefixItems" })
        {
            if (schema[key] is JsonArray branches)
            {
                foreach (var branch in branches.OfType<JsonObject>())
                {
                    Rewrite(branch, ref moved);
                }
            }
        }
    }

    private static bool IsObject(JsonObject schema) =>
        schema.ContainsKey("properties")
        || schema["type"] is JsonValue t && t.TryGetValue<string>(out var type) && type == "object"
        || schema["type"] is JsonArray types && types.Any(x => x?.GetValue<string>() == "object");

    /// <summary>The schema of an optional property, made to accept <c>null</c> (a type union where it can be one).</summary>
    private static JsonObject Nullable(JsonObject schema)
    {
        if (AcceptsNull(schema))
        {
            return schema;
        }

        if (schema["type"] is JsonValue single && single.TryGetValue<string>(out var type) && !schema.ContainsKey("$ref"))
        {
            schema["type"] = new JsonArray(type, "null");
            if (schema["enum"] is JsonArray values)
            {
                values.Add(null);
            }

            return schema;
        }

        if (schema["type"] is JsonArray types && !schema.ContainsKey("$ref"))
        {
            types.Add("null");
            if (schema["enum"] is JsonArray values)
            {
                values.Add(null);
            }

            return schema;
        }

        return new JsonObject { ["anyOf"] = new JsonArray(schema.DeepClone(), new JsonObject { ["type"] = "null" }) };
    }

    private static bool AcceptsNull(JsonObject schema) =>
        schema["type"] is JsonValue t && t.TryGetValue<string>(out var type) && type == "null"
        || schema["type"] is JsonArray types && types.Any(x => x?.GetValue<string>() == "null")
        || schema["anyOf"] is JsonArray branches && branches.OfType<JsonObject>().Any(AcceptsNull);
}
