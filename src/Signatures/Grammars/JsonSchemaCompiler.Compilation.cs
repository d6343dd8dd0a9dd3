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
            json = new JsonGrammar(rules, options.MaxWhitespace, options.DotNetValues);
            var schemaUri = (root as JsonObject)?["$schema"]?.GetValue<string>() ?? string.Empty;
            draft7 = schemaUri.Contains("draft-07") || schemaUri.Contains("draft-06") || schemaUri.Contains("draft-04");
            IndexIdentifiers(root, "#", SyntheticBase);
        }

        /// <summary>The base URI of a document without $id (a placeholder that relative references resolve against).</summary>
        private const string SyntheticBase = "https://declarative.invalid/schema.json";

        /// <summary>The base URI in force at each schema object, by pointer.</summary>
        private readonly Dictionary<string, string> bases = new(StringComparer.Ordinal);

        /// <summary>The pointer of each resource (the root and every subschema with an $id), by absolute URI.</summary>
        private readonly Dictionary<string, string> resources = new(StringComparer.Ordinal);

        /// <summary>The pointer of each $anchor, by resource URI and name.</summary>
        private readonly Dictionary<(string Resource, string Name), string> anchors = [];

        private void IndexIdentifiers(JsonNode? node, string pointer, string baseUri)
        {
            if (node is JsonArray array)
            {
                for (var i = 0; i < array.Count; i++)
                {
                    IndexIdentifiers(array[i], $"{pointer}/{i}", baseUri);
                }

                return;
            }

            if (node is not JsonObject obj)
            {
                return;
            }

            var current = baseUri;
            if (obj["$id"] is JsonValue idValue && idValue.GetValueKind() == JsonValueKind.String && Absolute(baseUri, idValue.GetValue<string>()) is { } id)
            {
                var (resource, fragment) = Split(id);
                if (fragment.Length > 0 && resource == Split(baseUri).Resource)
                {
                    anchors[(resource, fragment)] = pointer; // draft-07 style "$id": "#name"
                }
                else
                {
                    current = resource;
                }
            }

            if (pointer == "#")
            {
                resources[Split(current).Resource] = "#";
            }
            else if (current != baseUri)
            {
                resources[current] = pointer;
            }

            bases[pointer] = current;
            foreach (var key in new[] { "$anchor", "$dynamicAnchor" })
            {
                if (obj[key] is JsonValue a && a.GetValueKind() == JsonValueKind.String)
                {
                    anchors[(Split(current).Resource, a.GetValue<string>())] = pointer;
                }
            }

            foreach (var pair in obj)
            {
                if (pair.Key is "const" or "enum" or "examples" or "default")
                {
                    continue; // values, not schemas: an "$id" inside is not an identifier
                }

                IndexIdentifiers(pair.Value, pointer + "/" + Escape(pair.Key), current);
            }
        }

        private static string? Absolute(string baseUri, string reference)
        {
            try
            {
                return new Uri(new Uri(baseUri), reference).AbsoluteUri;
            }
            catch (UriFormatException)
            {
                return null;
            }
        }

        private static (string Resource, string Fragment) Split(string uri)
        {
            var hash = uri.IndexOf('#');
            return hash < 0 ? (uri, string.Empty) : (uri.Substring(0, hash), Uri.UnescapeDataString(uri.Substring(hash + 1)));
        }

        /// <summary>The base URI in force at a pointer (the nearest indexed ancestor's).</summary>
        private string BaseOf(string pointer)
        {
            for (var p = pointer; ; p = p.Substring(0, p.LastIndexOf('/')))
            {
                if (bases.TryGetValue(p, out var b))
                {
                    return b;
                }

                if (p.LastIndexOf('/') < 0)
                {
                    return SyntheticBase;
                }
            }
        }

        private JsonNode? NodeAt(string pointer, string from, string reference)
        {
            var node = root;
            if (pointer.Length <= 1)
            {
                return node;
            }

            foreach (var token in pointer.Substring(2).Split('/').Select(t => t.Replace("~1", "/").Replace("~0", "~")))
            {
                node = node switch
                {
                    JsonObject o when o.TryGetPropertyValue(token, out var child) => child,
                    JsonArray a when int.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out var index) && index < a.Count => a[index],
                    _ => throw new JsonSchemaCompileException(from, "$ref", $"'{reference}' does not point at anything in the document"),
                };
            }

            return node;
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

        /// <summary>Resolves a reference against the base URI in force where it stands: the document itself, a resource with an $id, a JSON pointer within one, or an anchor.</summary>
        private (JsonNode? Node, string Pointer) Resolve(string reference, string from)
        {
            var absolute = Absolute(BaseOf(from), reference);
            var (resource, fragment) = absolute is null ? (string.Empty, string.Empty) : Split(absolute);
            if (absolute is null || !resources.TryGetValue(resource, out var resourcePointer))
            {
                Unsupported(from, "$ref", $"'{reference}' is not in this document; only references within it (#, #/$defs/name, #anchor, or the $id of one of its subschemas) are supported");
                return (JsonValue.Create(true), "#");
            }

            if (fragment.Length == 0)
            {
                return (NodeAt(resourcePointer, from, reference), resourcePointer);
            }

            if (fragment.StartsWith("/", StringComparison.Ordinal))
            {
                var pointer = resourcePointer + fragment;
                return (NodeAt(pointer, from, reference), pointer);
            }

            return anchors.TryGetValue((resource, fragment), out var anchorPointer)
                ? (NodeAt(anchorPointer, from, reference), anchorPointer)
                : throw new JsonSchemaCompileException(from, "$ref", $"no $anchor '{fragment}' in the resource '{resource}'");
        }

        /// <summary>Whether a schema holds a $ref anywhere (values of const and enum aside).</summary>
        private static bool ContainsRef(JsonNode? node) => node switch
        {
            JsonObject o => o.ContainsKey("$ref") || o.Where(p => p.Key is not ("const" or "enum" or "examples" or "default")).Any(p => ContainsRef(p.Value)),
            JsonArray a => a.Any(ContainsRef),
            _ => false,
        };

        /// <summary>A copy of a schema with its own top-level $ref resolved (repeatedly), ready to merge.</summary>
        private JsonNode Inline(JsonNode? schema, string pointer, string from)
        {
            var current = schema;
            var currentPointer = pointer;
            CheckSameBase(current, currentPointer, from);
            for (var hops = 0; current is JsonObject o && o["$ref"] is JsonNode r; hops++)
            {
                if (hops > options.MaxInlineDepth)
                {
                    throw new JsonSchemaCompileException(from, "$ref", "a chain of $ref does not end");
                }

                var (target, targetPointer) = Resolve(r.GetValue<string>(), currentPointer);
                CheckSameBase(target, targetPointer, from);
                var rest = Without(o, "$ref");
                current = draft7 || !ConstraintKeys(rest).Any() ? target : Merge(rest, Inline(target, targetPointer, from), from);
                currentPointer = targetPointer;
            }

            return current?.DeepClone() ?? JsonValue.Create(true)!;
        }

        /// <summary>A schema merged into another is compiled where the other stands; its own references must mean the same there.</summary>
        private void CheckSameBase(JsonNode? schema, string pointer, string from)
        {
            if (BaseOf(pointer) != BaseOf(from) && ContainsRef(schema))
            {
                Unsupported(from, "$ref", "a schema with references of its own is combined (through allOf, anyOf or a sibling $ref) with one under another base URI");
            }
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
