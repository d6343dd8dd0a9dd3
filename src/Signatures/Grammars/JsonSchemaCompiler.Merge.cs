using System.Text.Json;
using System.Text.Json.Nodes;

namespace Declarative.Grammars;

public static partial class JsonSchemaCompiler
{
    private sealed partial class Compilation
    {
        /// <summary>The intersection of two schemas as one schema (allOf and keywords beside $ref).</summary>
        private JsonNode Merge(JsonNode a, JsonNode b, string pointer)
        {
            if (IsFalse(a) || IsFalse(b))
            {
                return JsonValue.Create(false)!;
            }

            if (IsTrue(a))
            {
                return Normalize(b.DeepClone(), pointer);
            }

            if (IsTrue(b))
            {
                return a.DeepClone();
            }

            var left = (JsonObject)a;
            var right = (JsonObject)Normalize(b.DeepClone(), pointer);
            var result = (JsonObject)left.DeepClone();
            foreach (var (key, vb) in right)
            {
                if (key is "properties" or "additionalProperties" or "prefixItems" or "items")
                {
                    continue;
                }

                if (!result.TryGetPropertyValue(key, out var va))
                {
                    result[key] = vb?.DeepClone();
                    continue;
                }

                if (Annotations.Contains(key) || !IsKnownKeyword(key))
                {
                    continue;
                }

                switch (key)
                {
                    case "type":
                        var types = TypesOf(left).SelectMany(x => TypesOf(right).Select(y => IntersectType(x, y))).Where(t => t is not null).Distinct().ToList();
                        if (types.Count == 0)
                        {
                            return JsonValue.Create(false)!;
                        }

                        result["type"] = new JsonArray(types.Select(t => (JsonNode?)JsonValue.Create(t)).ToArray());
                        break;
                    case "enum":
                        var keep = ((JsonArray)va!).Where(x => ((JsonArray)vb!).Any(y => JsonNode.DeepEquals(x, y))).Select(x => x?.DeepClone()).ToArray();
                        result["enum"] = new JsonArray(keep);
                        break;
                    case "const":
                        if (!JsonNode.DeepEquals(va, vb))
                        {
                            return JsonValue.Create(false)!;
                        }

                        break;
                    case "minimum" or "exclusiveMinimum" or "minLength" or "minItems" or "minProperties" or "minContains":
                        result[key] = Number(va!) >= Number(vb!) ? va!.DeepClone() : vb!.DeepClone();
                        break;
                    case "maximum" or "exclusiveMaximum" or "maxLength" or "maxItems" or "maxProperties" or "maxContains":
                        result[key] = Number(va!) <= Number(vb!) ? va!.DeepClone() : vb!.DeepClone();
                        break;
                    case "required":
                        var names = ((JsonArray)va!).Select(x => x!.GetValue<string>()).Union(((JsonArray)vb!).Select(x => x!.GetValue<string>()));
                        result["required"] = new JsonArray(names.Select(n => (JsonNode?)JsonValue.Create(n)).ToArray());
                        break;
                    case "allOf":
                        result["allOf"] = new JsonArray(((JsonArray)va!).Concat((JsonArray)vb!).Select(x => x?.DeepClone()).ToArray());
                        break;
                    case "anyOf":
                        var product = ((JsonArray)va!).SelectMany(x => ((JsonArray)vb!).Select(y => (JsonNode?)Both(x, y))).ToArray();
                        if (product.Length > 64)
                        {
                            Unsupported(pointer, "anyOf", "combining these anyOf lists would need more than 64 alternatives");
                        }

                        result["anyOf"] = new JsonArray(product);
                        break;
                    case "uniqueItems":
                        result[key] = va!.GetValue<bool>() || vb!.GetValue<bool>();
                        break;
                    case "not":
                        result["not"] = new JsonObject { ["anyOf"] = new JsonArray(va?.DeepClone(), vb?.DeepClone()) };
                        break;
                    case "additionalItems" or "unevaluatedItems" or "unevaluatedProperties" or "propertyNames" or "contains" or "$ref":
                        result[key] = Both(va, vb);
                        break;
                    default:
                        if (!JsonNode.DeepEquals(va, vb))
                        {
                            Unsupported(pointer, key, "two different values of this keyword must both hold (through allOf or beside $ref), which the compiler cannot combine");
                        }

                        break;
                }
            }

            MergeProperties(left, right, result);
            MergeItems(left, right, result);
            return result;
        }

        /// <summary>Turns a subschema's unevaluated* keywords into the closed forms they mean on their own, before it is merged into another.</summary>
        private JsonNode Normalize(JsonNode schema, string pointer)
        {
            if (schema is not JsonObject obj)
            {
                return schema;
            }

            var hasApplicators = obj.ContainsKey("allOf") || obj.ContainsKey("anyOf") || obj.ContainsKey("oneOf") || obj.ContainsKey("$ref")
                || obj.ContainsKey("if") || obj.ContainsKey("dependentSchemas") || obj.ContainsKey("patternProperties");
            if (obj.TryGetPropertyValue("unevaluatedProperties", out var up))
            {
                if (hasApplicators)
                {
                    Unsupported(pointer, "unevaluatedProperties", "beside applicators inside allOf, which the compiler cannot follow");
                }

                obj.Remove("unevaluatedProperties");
                if (!obj.ContainsKey("additionalProperties"))
                {
                    obj["additionalProperties"] = up?.DeepClone();
                }
            }

            if (obj.TryGetPropertyValue("unevaluatedItems", out var ui))
            {
                if (hasApplicators || obj.ContainsKey("contains"))
                {
                    Unsupported(pointer, "unevaluatedItems", "beside applicators inside allOf, which the compiler cannot follow");
                }

                obj.Remove("unevaluatedItems");
                if (!obj.ContainsKey("items"))
                {
                    obj["items"] = ui?.DeepClone();
                }
            }

            return obj;
        }

        private static void MergeProperties(JsonObject left, JsonObject right, JsonObject result)
        {
            var pa = left["properties"] as JsonObject;
            var pb = right["properties"] as JsonObject;
            var addA = left["additionalProperties"];
            var addB = right["additionalProperties"];
            if (pa is null && pb is null && addA is null && addB is null)
            {
                return;
            }

            var keys = (pa?.Select(p => p.Key) ?? []).Concat(pb?.Select(p => p.Key) ?? []).Distinct().ToList();
            var properties = new JsonObject();
            foreach (var key in keys)
            {
                var sa = pa is not null && pa.TryGetPropertyValue(key, out var x) ? x : addA;
                var sb = pb is not null && pb.TryGetPropertyValue(key, out var y) ? y : addB;
                properties[key] = Both(sa, sb);
            }

            result.Remove("properties");
            result.Remove("additionalProperties");
            if (properties.Count > 0)
            {
                result["properties"] = properties;
            }

            if (addA is not null || addB is not null)
            {
                // kept even when true: an explicit additionalProperties evaluates every property (unevaluatedProperties sees that)
                result["additionalProperties"] = Both(addA, addB);
            }
        }

        /// <summary>Merges prefixItems and items together: each side's items applies from the end of its own prefix.</summary>
        private void MergeItems(JsonObject left, JsonObject right, JsonObject result)
        {
            if (draft7)
            {
                if (right.TryGetPropertyValue("items", out var ib) && !left.ContainsKey("items"))
                {
                    result["items"] = ib?.DeepClone();
                }
                else if (right.ContainsKey("items") && !JsonNode.DeepEquals(left["items"], right["items"]))
                {
                    Unsupported("#", "items", "two different items keywords must both hold, which the compiler cannot combine in draft-07");
                }

                return;
            }

            var pa = left["prefixItems"] as JsonArray ?? [];
            var pb = right["prefixItems"] as JsonArray ?? [];
            var ia = left["items"];
            var ib2 = right["items"];
            if (pa.Count == 0 && pb.Count == 0 && ia is null && ib2 is null)
            {
                return;
            }

            result.Remove("prefixItems");
            result.Remove("items");
            var prefix = new JsonArray();
            for (var i = 0; i < Math.Max(pa.Count, pb.Count); i++)
            {
                prefix.Add(Both(i < pa.Count ? pa[i] : ia, i < pb.Count ? pb[i] : ib2));
            }

            if (prefix.Count > 0)
            {
                result["prefixItems"] = prefix;
            }

            if (ia is not null || ib2 is not null)
            {
                result["items"] = Both(ia, ib2);
            }
        }

        /// <summary>Both schemas (null counts as true).</summary>
        private static JsonNode Both(JsonNode? a, JsonNode? b)
        {
            if (a is null || IsTrue(a))
            {
                return b?.DeepClone() ?? JsonValue.Create(true)!;
            }

            if (b is null || IsTrue(b))
            {
                return a.DeepClone();
            }

            if (IsFalse(a) || IsFalse(b))
            {
                return JsonValue.Create(false)!;
            }

            return new JsonObject { ["allOf"] = new JsonArray(a.DeepClone(), b.DeepClone()) };
        }

        private static string? IntersectType(string a, string b) =>
            a == b ? a
            : (a, b) is ("integer", "number") or ("number", "integer") ? "integer"
            : null;

        private static bool IsTrue(JsonNode? node) =>
            node is JsonValue v && v.GetValueKind() == JsonValueKind.True || node is JsonObject { Count: 0 };

        private static bool IsFalse(JsonNode? node) => node is JsonValue v && v.GetValueKind() == JsonValueKind.False;
    }
}
