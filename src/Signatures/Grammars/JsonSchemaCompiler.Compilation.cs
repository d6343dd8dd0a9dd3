using System.Globalization;
using System.Numerics;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Declarative.Grammars;

public static partial class JsonSchemaCompiler
{
    private static readonly HashSet<string> Annotations = new(StringComparer.Ordinal)
    {
        "$schema", "$id", "$comment", "title", "description", "default", "examples", "deprecated", "readOnly", "writeOnly",
        "$defs", "definitions", "$anchor", "$dynamicAnchor", "$vocabulary", "contentMediaType", "contentEncoding", "contentSchema",
    };

    private static readonly string[] TypeNames = ["null", "boolean", "integer", "number", "string", "array", "object"];

    private sealed partial class Compilation
    {
        private readonly JsonNode? root;
        private readonly JsonSchemaCompilerOptions options;
        private readonly RuleSet rules = new();
        private readonly JsonGrammar json;
        private readonly List<string> warnings = [];
        private readonly bool draft7;
        private int inlineDepth;

        public Compilation(JsonNode? root, JsonSchemaCompilerOptions options)
        {
            this.root = root;
            this.options = options;
            json = new JsonGrammar(rules, options.MaxWhitespace);
            var schemaUri = (root as JsonObject)?["$schema"]?.GetValue<string>() ?? string.Empty;
            draft7 = schemaUri.Contains("draft-07") || schemaUri.Contains("draft-06") || schemaUri.Contains("draft-04");
        }

        public JsonSchemaCompilation Run()
        {
            rules.Reserve("root");
            var body = Schema(root, "#");
            rules.Define("root", GrammarNode.Seq(json.Ws, body, json.Ws));
            return new JsonSchemaCompilation(rules.ToGrammar("root"), warnings);
        }

        private GrammarNode Schema(JsonNode? schema, string pointer)
        {
            switch (schema)
            {
                case JsonValue value when value.GetValueKind() is JsonValueKind.True:
                    return json.AnyValue;
                case JsonValue value when value.GetValueKind() is JsonValueKind.False:
                    return GrammarNode.Never;
                case JsonObject obj:
                    try
                    {
                        return ObjectSchema(obj, pointer);
                    }
                    catch (Exception ex) when (ex is InvalidOperationException or FormatException or InvalidCastException or JsonException or OverflowException)
                    {
                        // A keyword holds a value of the wrong kind ("minLength": "x", "required": {}).
                        throw new JsonSchemaCompileException(pointer, string.Empty, $"the schema is malformed: {ex.Message}");
                    }
                default:
                    throw new JsonSchemaCompileException(pointer, string.Empty, "a schema must be an object or a boolean");
            }
        }

        private GrammarNode ObjectSchema(JsonObject obj, string pointer)
        {
            if (obj["$ref"] is JsonNode refNode)
            {
                var reference = refNode.GetValue<string>();
                var (target, targetPointer) = Resolve(reference, pointer);
                var siblings = ConstraintKeys(obj).Where(k => k != "$ref").ToList();
                if (draft7 || siblings.Count == 0)
                {
                    return RefRule(target, targetPointer);
                }

                var merged = Merge(Without(obj, "$ref"), Inline(target, targetPointer, pointer), pointer);
                return Guarded(() => Schema(merged, pointer));
            }

            if (obj["allOf"] is JsonArray allOf)
            {
                JsonNode merged = Without(obj, "allOf");
                for (var i = 0; i < allOf.Count; i++)
                {
                    merged = Merge(merged, Inline(allOf[i], $"{pointer}/allOf/{i}", pointer), pointer);
                }

                return Guarded(() => Schema(merged, pointer));
            }

            foreach (var key in new[] { "anyOf", "oneOf" })
            {
                if (obj[key] is JsonArray branches)
                {
                    if (key == "oneOf" && !Disjoint(branches))
                    {
                        Unsupported(pointer, key, "its branches may overlap, and excluding documents that match several is not expressible; use anyOf if overlap is acceptable");
                    }

                    var rest = Without(obj, key);
                    var hasRest = ConstraintKeys(rest).Any();
                    return GrammarNode.Choice(branches.Select((branch, i) => hasRest
                        ? Guarded(() => Schema(Merge(rest, Inline(branch, $"{pointer}/{key}/{i}", pointer), pointer), pointer))
                        : Schema(branch, $"{pointer}/{key}/{i}")));
                }
            }

            if (obj.ContainsKey("dependentRequired") || obj.ContainsKey("dependentSchemas") || obj.ContainsKey("dependencies"))
            {
                return Dependencies(obj, pointer);
            }

            return Typed(obj, pointer);
        }

        /// <summary>
        /// dependentRequired, dependentSchemas (and draft-07 dependencies) as a choice over which trigger properties are
        /// present: each variant requires its triggers and their dependencies, forbids the other triggers, and adds the
        /// dependent schemas of its triggers.
        /// </summary>
        private GrammarNode Dependencies(JsonObject obj, string pointer)
        {
            var requires = new Dictionary<string, List<string>>(StringComparer.Ordinal);
            var schemas = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
            foreach (var pair in (obj["dependentRequired"] as JsonObject ?? []).Concat(obj["dependencies"] as JsonObject ?? []).Where(p => p.Value is JsonArray))
            {
                requires[pair.Key] = ((JsonArray)pair.Value!).Select(x => x!.GetValue<string>()).ToList();
            }

            foreach (var pair in (obj["dependentSchemas"] as JsonObject ?? []).Concat(obj["dependencies"] as JsonObject ?? []).Where(p => p.Value is not JsonArray))
            {
                schemas[pair.Key] = pair.Value;
            }

            var triggers = requires.Keys.Union(schemas.Keys).ToList();
            var rest = Without(Without(Without(obj, "dependentRequired"), "dependentSchemas"), "dependencies");
            if (triggers.Count > 6)
            {
                Unsupported(pointer, "dependentRequired", "more than 6 trigger properties would need too many variants");
                return Schema(rest, pointer);
            }

            var variants = new List<GrammarNode>();
            for (var mask = 0; mask < 1 << triggers.Count; mask++)
            {
                var present = triggers.Where((_, i) => (mask & (1 << i)) != 0).ToList();
                var required = present.Concat(present.SelectMany(t => requires.TryGetValue(t, out var r) ? r : [])).Distinct().ToList();
                var properties = new JsonObject();
                foreach (var absent in triggers.Except(present))
                {
                    properties[absent] = false;
                }

                var shape = new JsonObject
                {
                    ["required"] = new JsonArray(required.Select(r => (JsonNode?)JsonValue.Create(r)).ToArray()),
                    ["properties"] = properties,
                };
                var captured = mask;
                variants.Add(Guarded(() =>
                {
                    JsonNode variant = Merge(rest, shape, pointer);
                    foreach (var trigger in present.Where(schemas.ContainsKey))
                    {
                        variant = Merge(variant, Inline(schemas[trigger], $"{pointer}/dependentSchemas/{trigger}", pointer), pointer);
                    }

                    return ObjectsOnly(variant, pointer);
                }));
            }

            // Values that are not objects are untouched by the dependencies.
            var others = rest.DeepClone().AsObject();
            var types = TypesOf(others).Where(t => t != "object").ToList();
            others["type"] = new JsonArray(types.Select(t => (JsonNode?)JsonValue.Create(t)).ToArray());
            variants.Add(types.Count == 0 ? GrammarNode.Never : Schema(others, pointer));
            return GrammarNode.Choice(variants);
        }

        /// <summary>The object values of a schema only.</summary>
        private GrammarNode ObjectsOnly(JsonNode schema, string pointer)
        {
            if (schema is not JsonObject obj)
            {
                return IsTrue(schema) ? Schema(new JsonObject { ["type"] = "object" }, pointer) : GrammarNode.Never;
            }

            var copy = obj.DeepClone().AsObject();
            if (!TypesOf(copy).Contains("object"))
            {
                return GrammarNode.Never;
            }

            copy["type"] = "object";
            return Schema(copy, pointer);
        }

        private GrammarNode Guarded(Func<GrammarNode> compile)
        {
            if (++inlineDepth > options.MaxInlineDepth)
            {
                inlineDepth--;
                throw new JsonSchemaCompileException("#", "$ref", $"schemas nest deeper than {options.MaxInlineDepth} levels through $ref inside allOf or beside other keywords (a recursive schema that cannot be inlined)");
            }

            try
            {
                return compile();
            }
            finally
            {
                inlineDepth--;
            }
        }

        private GrammarNode RefRule(JsonNode? target, string targetPointer)
        {
            var name = "ref" + new string(targetPointer.Skip(1).Select(c => char.IsLetterOrDigit(c) ? c : '-').ToArray());
            if (!rules.Contains(name))
            {
                rules.Reserve(name);
                rules.Define(name, Schema(target, targetPointer));
            }

            return GrammarNode.Ref(name);
        }

        private (JsonNode? Node, string Pointer) Resolve(string reference, string from)
        {
            if (!reference.StartsWith("#", StringComparison.Ordinal))
            {
                Unsupported(from, "$ref", $"'{reference}' is not a local reference; only references within the document (#, #/$defs/name, #anchor) are supported");
                return (JsonValue.Create(true), "#");
            }

            var fragment = Uri.UnescapeDataString(reference.Substring(1));
            if (fragment.Length == 0)
            {
                return (root, "#");
            }

            if (!fragment.StartsWith("/", StringComparison.Ordinal))
            {
                return FindAnchor(root, fragment, "#") is { } found
                    ? found
                    : throw new JsonSchemaCompileException(from, "$ref", $"no $anchor '{fragment}' in the document");
            }

            var node = root;
            foreach (var token in fragment.Substring(1).Split('/').Select(t => t.Replace("~1", "/").Replace("~0", "~")))
            {
                node = node switch
                {
                    JsonObject o when o.TryGetPropertyValue(token, out var child) => child,
                    JsonArray a when int.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out var index) && index < a.Count => a[index],
                    _ => throw new JsonSchemaCompileException(from, "$ref", $"'{reference}' does not point at anything in the document"),
                };
            }

            return (node, "#" + fragment);
        }

        private static (JsonNode? Node, string Pointer)? FindAnchor(JsonNode? node, string anchor, string pointer)
        {
            if (node is JsonObject obj)
            {
                if (obj["$anchor"] is JsonValue a && a.GetValueKind() == JsonValueKind.String && a.GetValue<string>() == anchor)
                {
                    return (node, pointer);
                }

                foreach (var pair in obj)
                {
                    if (FindAnchor(pair.Value, anchor, pointer + "/" + pair.Key.Replace("~", "~0").Replace("/", "~1")) is { } found)
                    {
                        return found;
                    }
                }
            }
            else if (node is JsonArray array)
            {
                for (var i = 0; i < array.Count; i++)
                {
                    if (FindAnchor(array[i], anchor, pointer + "/" + i.ToString(CultureInfo.InvariantCulture)) is { } found)
                    {
                        return found;
                    }
                }
            }

            return null;
        }

        /// <summary>A copy of a schema with its own top-level $ref resolved (repeatedly), ready to merge.</summary>
        private JsonNode Inline(JsonNode? schema, string pointer, string from)
        {
            var current = schema;
            var currentPointer = pointer;
            for (var hops = 0; current is JsonObject o && o["$ref"] is JsonNode r; hops++)
            {
                if (hops > options.MaxInlineDepth)
                {
                    throw new JsonSchemaCompileException(from, "$ref", "a chain of $ref does not end");
                }

                var (target, targetPointer) = Resolve(r.GetValue<string>(), currentPointer);
                var rest = Without(o, "$ref");
                current = draft7 || !ConstraintKeys(rest).Any() ? target : Merge(rest, Inline(target, targetPointer, from), from);
                currentPointer = targetPointer;
            }

            return current?.DeepClone() ?? JsonValue.Create(true)!;
        }

        private static JsonObject Without(JsonObject obj, string key)
        {
            var copy = new JsonObject();
            foreach (var pair in obj)
            {
                if (pair.Key != key)
                {
                    copy[pair.Key] = pair.Value?.DeepClone();
                }
            }

            return copy;
        }

        private static IEnumerable<string> ConstraintKeys(JsonObject obj) =>
            obj.Select(p => p.Key).Where(k => !Annotations.Contains(k) && IsKnownKeyword(k));

        private void Unsupported(string pointer, string keyword, string reason)
        {
            if (!options.Lenient)
            {
                throw new JsonSchemaCompileException(pointer, keyword, reason);
            }

            warnings.Add($"{pointer}/{keyword}: ignored: {reason}");
        }

        private static bool Disjoint(JsonArray branches)
        {
            // Disjoint when each branch admits a distinct set of JSON types, or each is a const/enum of distinct values.
            var seenTypes = new HashSet<string>(StringComparer.Ordinal);
            var byType = true;
            foreach (var branch in branches)
            {
                if (branch is not JsonObject o || o["type"] is null || o.ContainsKey("$ref") || o.ContainsKey("anyOf") || o.ContainsKey("allOf") || o.ContainsKey("oneOf"))
                {
                    byType = false;
                    break;
                }

                foreach (var type in TypesOf(o))
                {
                    var key = type == "integer" ? "number" : type;
                    if (!seenTypes.Add(key))
                    {
                        byType = false;
                    }
                }
            }

            if (byType)
            {
                return true;
            }

            var values = new HashSet<string>(StringComparer.Ordinal);
            foreach (var branch in branches)
            {
                if (branch is not JsonObject o || o.Count != 1 || !(o.ContainsKey("const") || o["enum"] is JsonArray))
                {
                    return false;
                }

                var items = o["const"] is { } c ? [c] : ((JsonArray)o["enum"]!).ToArray();
                foreach (var item in items)
                {
                    if (!values.Add(Canonical(item)))
                    {
                        return false;
                    }
                }
            }

            return true;
        }

        private static List<string> TypesOf(JsonObject obj)
        {
            if (!obj.TryGetPropertyValue("type", out var type))
            {
                return [.. TypeNames];
            }

            var names = type switch
            {
                JsonValue v when v.GetValueKind() == JsonValueKind.String => [v.GetValue<string>()],
                JsonArray a => a.Select(x => x is JsonValue s && s.GetValueKind() == JsonValueKind.String ? s.GetValue<string>() : throw new FormatException("\"type\" must list type names")).ToList(),
                _ => throw new FormatException("\"type\" must be a type name or an array of them"),
            };
            foreach (var name in names)
            {
                if (Array.IndexOf(TypeNames, name) < 0)
                {
                    throw new FormatException($"'{name}' is not a JSON Schema type; use one of {string.Join(", ", TypeNames)}");
                }
            }

            return names;
        }
    }

    private static bool IsKnownKeyword(string key) => key is
        "type" or "enum" or "const" or "minLength" or "maxLength" or "pattern" or "format"
        or "minimum" or "maximum" or "exclusiveMinimum" or "exclusiveMaximum" or "multipleOf"
        or "items" or "prefixItems" or "additionalItems" or "minItems" or "maxItems" or "uniqueItems" or "contains" or "minContains" or "maxContains" or "unevaluatedItems"
        or "properties" or "required" or "additionalProperties" or "patternProperties" or "minProperties" or "maxProperties" or "propertyNames"
        or "dependentRequired" or "dependentSchemas" or "dependencies" or "unevaluatedProperties"
        or "allOf" or "anyOf" or "oneOf" or "not" or "if" or "then" or "else" or "$ref" or "$dynamicRef" or "$recursiveRef";
}
