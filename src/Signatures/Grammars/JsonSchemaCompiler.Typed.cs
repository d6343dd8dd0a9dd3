using System.Globalization;
using System.Numerics;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Declarative.Grammars;

public static partial class JsonSchemaCompiler
{
    private const string Year = "[0-9]{4}";
    private const string LeapYear = "([0-9]{2}(0[48]|[2468][048]|[13579][26])|([02468][048]|[13579][26])00)";
    private const string Date = "(" + Year + "-(0[13578]|1[02])-(0[1-9]|[12][0-9]|3[01])|" + Year + "-(0[469]|11)-(0[1-9]|[12][0-9]|30)|"
        + Year + "-02-(0[1-9]|1[0-9]|2[0-8])|" + LeapYear + "-02-29)";

    // Leap seconds (second 60) are not accepted: whether one is valid depends on the offset.
    private const string Time = "([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\\.[0-9]+)?([Zz]|[+-]([01][0-9]|2[0-3]):[0-5][0-9])";
    private const string Octet = "(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])";
    private const string H16 = "[0-9A-Fa-f]{1,4}";
    private const string Ipv6 = "((" + H16 + ":){7}" + H16 + "|(" + H16 + ":){1,7}:|(" + H16 + ":){1,6}:" + H16 + "|(" + H16 + ":){1,5}(:" + H16 + "){1,2}|("
        + H16 + ":){1,4}(:" + H16 + "){1,3}|(" + H16 + ":){1,3}(:" + H16 + "){1,4}|(" + H16 + ":){1,2}(:" + H16 + "){1,5}|" + H16 + ":(:" + H16 + "){1,6}|:((:" + H16 + "){1,7}|:))";

    private const string Pct = "%[0-9A-Fa-f]{2}";
    private const string PChar = "([A-Za-z0-9._~!$&'()*+,;=:@-]|" + Pct + ")";
    private const string Authority = "//(([A-Za-z0-9._~!$&'()*+,;=:-]|" + Pct + ")*@)?(\\[" + Ipv6 + "\\]|([A-Za-z0-9._~!$&'()*+,;=-]|" + Pct + ")*)(:[0-9]*)?";
    private const string UriPattern = "[A-Za-z][A-Za-z0-9+.-]*:(" + Authority + "(/" + PChar + "*)*|/?(" + PChar + "+(/" + PChar + "*)*)?)(\\?(" + PChar + "|[/?])*)?(#(" + PChar + "|[/?])*)?";

    /// <summary>A date-time .NET's <c>DateTimeOffset</c> holds: upper-case T and Z, an offset within ±14:00, at most 7 fraction digits.</summary>
    internal const string DotNetDateTime = Date + "T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\\.[0-9]{1,7})?(Z|[+-]((0[0-9]|1[0-3]):[0-5][0-9]|14:00))";

    internal static readonly Dictionary<string, string> Formats = new(StringComparer.Ordinal)
    {
        ["date"] = Date,
        ["time"] = Time,
        ["date-time"] = Date + "[Tt]" + Time,
        ["uuid"] = "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}",
        ["email"] = "[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*@[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)+",
        ["ipv4"] = Octet + "(\\." + Octet + "){3}",
        ["ipv6"] = Ipv6,
        ["uri"] = UriPattern,
    };

    private sealed partial class Compilation
    {
        private GrammarNode Typed(JsonObject obj, string pointer)
        {
            foreach (var key in new[] { "if", "then", "else", "patternProperties", "$dynamicRef", "$recursiveRef" })
            {
                if (obj.ContainsKey(key))
                {
                    Unsupported(pointer, key, "this keyword cannot be compiled to a grammar yet");
                }
            }

            var types = TypesOf(obj).ToHashSet(StringComparer.Ordinal);
            if (obj["not"] is { } not)
            {
                if (IsTrue(not))
                {
                    return GrammarNode.Never;
                }

                if (not is JsonObject notObj && notObj.Count == 1 && notObj.ContainsKey("type"))
                {
                    foreach (var excluded in TypesOf(notObj))
                    {
                        types.Remove(excluded);
                        if (excluded == "number")
                        {
                            types.Remove("integer");
                        }
                        else if (excluded == "integer" && types.Contains("number"))
                        {
                            Unsupported(pointer, "not", "excluding integers from numbers cannot be expressed");
                        }
                    }
                }
                else if (!IsFalse(not))
                {
                    Unsupported(pointer, "not", "only 'not' of a type list can be compiled");
                }
            }

            if (obj.ContainsKey("enum") || obj.ContainsKey("const"))
            {
                return EnumValues(obj, types, pointer);
            }

            var alternatives = new List<GrammarNode>();
            if (types.Contains("null"))
            {
                alternatives.Add(GrammarNode.Literal("null"));
            }

            if (types.Contains("boolean"))
            {
                alternatives.Add(GrammarNode.Choice(GrammarNode.Literal("true"), GrammarNode.Literal("false")));
            }

            if (types.Contains("number") || types.Contains("integer"))
            {
                alternatives.Add(NumberNode(obj, integerOnly: !types.Contains("number"), pointer));
            }

            if (types.Contains("string"))
            {
                alternatives.Add(StringNode(obj, pointer));
            }

            if (types.Contains("array"))
            {
                alternatives.Add(ArrayNode(obj, pointer));
            }

            if (types.Contains("object"))
            {
                alternatives.Add(ObjectNode(obj, pointer));
            }

            return GrammarNode.Choice(alternatives);
        }

        private GrammarNode EnumValues(JsonObject obj, HashSet<string> types, string pointer)
        {
            var values = obj.TryGetPropertyValue("const", out var c) ? [c] : ((JsonArray)obj["enum"]!).ToList();
            if (obj.ContainsKey("const") && obj["enum"] is JsonArray more)
            {
                values = values.Where(v => more.Any(m => JsonNode.DeepEquals(v, m))).ToList();
            }

            var literals = new List<GrammarNode>();
            foreach (var value in values)
            {
                if (HasType(value, types) && SatisfiesSimple(value, obj, pointer))
                {
                    literals.Add(GrammarNode.Literal(Canonical(value)));
                }
            }

            return GrammarNode.Choice(literals);
        }

        private static bool HasType(JsonNode? value, HashSet<string> types) => value switch
        {
            null => types.Contains("null"),
            JsonObject => types.Contains("object"),
            JsonArray => types.Contains("array"),
            _ => value.GetValueKind() switch
            {
                JsonValueKind.String => types.Contains("string"),
                JsonValueKind.True or JsonValueKind.False => types.Contains("boolean"),
                JsonValueKind.Number => types.Contains("number") || (types.Contains("integer") && IsIntegral(value)),
                _ => false,
            },
        };

        private static bool IsIntegral(JsonNode value) => Number(value) is var d && d == Math.Floor(d) && !double.IsInfinity(d);

        /// <summary>Checks an enum value against the keywords beside the enum; keywords it cannot check are reported.</summary>
        private bool SatisfiesSimple(JsonNode? value, JsonObject obj, string pointer)
        {
            foreach (var key in ConstraintKeys(obj))
            {
                switch (key)
                {
                    case "type" or "enum" or "const" or "not":
                        break;
                    case "minLength" when value is JsonValue v && v.GetValueKind() == JsonValueKind.String:
                        if (CodePoints(v.GetValue<string>()) < Number(obj[key]!))
                        {
                            return false;
                        }

                        break;
                    case "maxLength" when value is JsonValue v && v.GetValueKind() == JsonValueKind.String:
                        if (CodePoints(v.GetValue<string>()) > Number(obj[key]!))
                        {
                            return false;
                        }

                        break;
                    case "pattern" when value is JsonValue v && v.GetValueKind() == JsonValueKind.String:
                        if (!Regex.IsMatch(v.GetValue<string>(), obj[key]!.GetValue<string>(), RegexOptions.None, TimeSpan.FromSeconds(1)))
                        {
                            return false;
                        }

                        break;
                    case "minimum" or "maximum" or "exclusiveMinimum" or "exclusiveMaximum" when value is JsonValue v && v.GetValueKind() == JsonValueKind.Number:
                        var d = Number(v);
                        var bound = Number(obj[key]!);
                        if (key switch { "minimum" => d < bound, "maximum" => d > bound, "exclusiveMinimum" => d <= bound, _ => d >= bound })
                        {
                            return false;
                        }

                        break;
                    case "minItems" or "maxItems" when value is JsonArray a:
                        var n = Number(obj[key]!);
                        if (key == "minItems" ? a.Count < n : a.Count > n)
                        {
                            return false;
                        }

                        break;
                    case "minLength" or "maxLength" or "pattern" or "format" or "minimum" or "maximum" or "exclusiveMinimum" or "exclusiveMaximum" or "multipleOf"
                        when value is not JsonValue || value.GetValueKind() is not (JsonValueKind.String or JsonValueKind.Number):
                        break; // does not apply to this value's type
                    case "minItems" or "maxItems" or "items" or "prefixItems" or "uniqueItems" when value is not JsonArray:
                        break;
                    case "properties" or "required" or "additionalProperties" or "minProperties" or "maxProperties" or "propertyNames" when value is not JsonObject:
                        break;
                    default:
                        Unsupported(pointer, key, "cannot be checked against enum or const values");
                        break;
                }
            }

            return true;
        }

        private static int CodePoints(string s)
        {
            var count = 0;
            for (var i = 0; i < s.Length; i++)
            {
                if (!char.IsLowSurrogate(s[i]))
                {
                    count++;
                }
            }

            return count;
        }

        private GrammarNode NumberNode(JsonObject obj, bool integerOnly, string pointer)
        {
            var hasBounds = obj.ContainsKey("minimum") || obj.ContainsKey("maximum") || obj.ContainsKey("exclusiveMinimum") || obj.ContainsKey("exclusiveMaximum");
            var multipleOf = obj["multipleOf"];
            if (!hasBounds && multipleOf is null)
            {
                return integerOnly ? json.Integer : json.Number;
            }

            if (!integerOnly)
            {
                if (multipleOf is not null && Number(multipleOf) is var step && step > 0 && step == Math.Floor(step))
                {
                    // A whole-number step admits only whole numbers, written canonically as integers.
                    return NumberNode(obj, integerOnly: true, pointer);
                }

                if (multipleOf is not null)
                {
                    Unsupported(pointer, "multipleOf", "a fractional multipleOf is not enforced");
                    return json.Number;
                }

                try
                {
                    ExactDecimal? lower = null;
                    ExactDecimal? upper = null;
                    var lowerExclusive = false;
                    var upperExclusive = false;
                    if (obj["minimum"] is { } minimum)
                    {
                        lower = ExactDecimal.Parse(minimum.ToJsonString());
                    }

                    if (obj["exclusiveMinimum"] is JsonValue exMin && exMin.GetValueKind() == JsonValueKind.Number && (lower is not { } l || ExactDecimal.Parse(exMin.ToJsonString()).CompareTo(l) >= 0))
                    {
                        lower = ExactDecimal.Parse(exMin.ToJsonString());
                        lowerExclusive = true;
                    }

                    if (obj["maximum"] is { } maximum)
                    {
                        upper = ExactDecimal.Parse(maximum.ToJsonString());
                    }

                    if (obj["exclusiveMaximum"] is JsonValue exMax && exMax.GetValueKind() == JsonValueKind.Number && (upper is not { } u || ExactDecimal.Parse(exMax.ToJsonString()).CompareTo(u) <= 0))
                    {
                        upper = ExactDecimal.Parse(exMax.ToJsonString());
                        upperExclusive = true;
                    }

                    var range = new DecimalRange(rules, rules.FreeName("number" + new string(pointer.Skip(1).Select(ch => char.IsLetterOrDigit(ch) ? ch : '-').ToArray())));
                    return range.Between(lower, lowerExclusive, upper, upperExclusive);
                }
                catch (Exception ex) when (ex is FormatException or OverflowException or InvalidOperationException)
                {
                    Unsupported(pointer, "minimum", "a bound that is not a plain JSON number is not enforced");
                    return json.Number;
                }
            }

            BigInteger? lo = null;
            BigInteger? hi = null;
            if (obj["minimum"] is { } min)
            {
                lo = Max(lo, Ceiling(Exact(min)));
            }

            if (obj["exclusiveMinimum"] is JsonValue emin && emin.GetValueKind() == JsonValueKind.Number)
            {
                lo = Max(lo, Floor(Exact(emin)) + 1);
            }

            if (obj["maximum"] is { } max)
            {
                hi = Min(hi, Floor(Exact(max)));
            }

            if (obj["exclusiveMaximum"] is JsonValue emax && emax.GetValueKind() == JsonValueKind.Number)
            {
                hi = Min(hi, Ceiling(Exact(emax)) - 1);
            }

            if (multipleOf is null)
            {
                return IntegerRange.Between(lo, hi);
            }

            var m = Number(multipleOf);
            if (m != Math.Floor(m) || m <= 0)
            {
                Unsupported(pointer, "multipleOf", "only whole-number multipleOf can be enforced on integers");
                return IntegerRange.Between(lo, hi);
            }

            if (lo is null && hi is null)
            {
                return m <= 1000 ? Multiples((int)m) : UnsupportedNode(pointer, "multipleOf", "multipleOf above 1000 is not enforced");
            }

            if (lo is { } a && hi is { } b && (b - a) / new BigInteger(m) <= 256)
            {
                var values = new List<GrammarNode>();
                var start = a % new BigInteger(m) == 0 ? a : a + (new BigInteger(m) - (((a % new BigInteger(m)) + new BigInteger(m)) % new BigInteger(m)));
                for (var v = start; v <= b; v += new BigInteger(m))
                {
                    values.Add(GrammarNode.Literal(v.ToString(CultureInfo.InvariantCulture)));
                }

                return GrammarNode.Choice(values);
            }

            return UnsupportedNode(pointer, "multipleOf", "multipleOf together with a wide or open range is not enforced");
        }

        private GrammarNode UnsupportedNode(string pointer, string keyword, string reason)
        {
            Unsupported(pointer, keyword, reason);
            return json.Integer;
        }

        /// <summary>Non-zero multiples of m (and 0), both signs: a digit automaton modulo m.</summary>
        private GrammarNode Multiples(int m)
        {
            var name = "multiple-of-" + m.ToString(CultureInfo.InvariantCulture);
            return rules.GetOrDefine(name, () =>
            {
                // state r: the digits so far are r mod m; accept when r == 0.
                for (var r = 0; r < m; r++)
                {
                    rules.Reserve($"{name}-r{r}");
                }

                for (var r = 0; r < m; r++)
                {
                    var alternatives = new List<GrammarNode>();
                    if (r == 0)
                    {
                        alternatives.Add(GrammarNode.Empty);
                    }

                    for (var d = 0; d <= 9; d++)
                    {
                        alternatives.Add(GrammarNode.Seq(GrammarNode.Literal(d.ToString(CultureInfo.InvariantCulture)), GrammarNode.Ref($"{name}-r{((r * 10) + d) % m}")));
                    }

                    rules.Define($"{name}-r{r}", GrammarNode.Choice(alternatives));
                }

                var positive = GrammarNode.Choice(Enumerable.Range(1, 9).Select(d =>
                    GrammarNode.Seq(GrammarNode.Literal(d.ToString(CultureInfo.InvariantCulture)), GrammarNode.Ref($"{name}-r{d % m}"))));
                return GrammarNode.Choice(GrammarNode.Literal("0"), GrammarNode.Seq(GrammarNode.Optional(GrammarNode.Literal("-")), positive));
            });
        }

        private static ExactDecimal Exact(JsonNode node) => ExactDecimal.Parse(node.ToJsonString());

        private static BigInteger Floor(ExactDecimal d) =>
            !d.IsNegative ? d.IntegerPart : d.IsIntegral ? -d.Negate().IntegerPart : -d.Negate().IntegerPart - 1;

        private static BigInteger Ceiling(ExactDecimal d) => -Floor(d.Negate());

        private static BigInteger? Max(BigInteger? a, BigInteger b) => a is { } x && x > b ? x : b;

        private static BigInteger? Min(BigInteger? a, BigInteger b) => a is { } x && x < b ? x : b;

        private GrammarNode StringNode(JsonObject obj, string pointer) =>
            GrammarNode.Seq(GrammarNode.Literal("\""), StringContent(obj, pointer), GrammarNode.Literal("\""));

        /// <summary>The encoded content (between the quotes) of the strings a schema allows.</summary>
        private GrammarNode StringContent(JsonObject obj, string pointer)
        {
            var minLength = obj["minLength"] is { } minNode ? (int)Number(minNode) : 0;
            int? maxLength = obj["maxLength"] is { } maxNode ? (int)Math.Min(Number(maxNode), int.MaxValue) : null;
            var pattern = obj["pattern"]?.GetValue<string>();
            var format = options.FormatAsAnnotation ? null : obj["format"]?.GetValue<string>();
            var lengthLimited = minLength > 0 || maxLength is not null;
            GrammarNode content;
            if (format is not null && !Formats.ContainsKey(format))
            {
                Unsupported(pointer, "format", $"the format '{format}' is not enforced (enforced: {string.Join(", ", Formats.Keys)})");
                format = null;
            }

            var regexes = new List<(string Kind, string Text)>();
            if (pattern is not null)
            {
                regexes.Add(("pattern", pattern));
            }

            if (format is not null)
            {
                regexes.Add(("format", options.DotNetValues && format == "date-time" ? DotNetDateTime : Formats[format]));
            }

            if (regexes.Count > 1 || (regexes.Count == 1 && lengthLimited))
            {
                Unsupported(pointer, regexes[0].Kind, "a pattern or format together with another pattern, format or length limit cannot be combined into one grammar");
            }

            if (regexes.Count > 0)
            {
                try
                {
                    var decoded = regexes[0].Kind == "pattern" ? RegexCompiler.CompileSearch(regexes[0].Text) : RegexCompiler.CompileFull(regexes[0].Text);
                    content = JsonGrammar.Encode(decoded);
                }
                catch (GrammarException ex)
                {
                    Unsupported(pointer, regexes[0].Kind, ex.Message);
                    content = GrammarNode.Star(json.AnyChar);
                }
            }
            else
            {
                content = GrammarNode.Repeat(json.AnyChar, minLength, maxLength);
            }

            return content;
        }

        private GrammarNode ArrayNode(JsonObject obj, string pointer)
        {
            var prefix = new List<GrammarNode>();
            JsonNode? rest;
            if (obj["prefixItems"] is JsonArray prefixItems)
            {
                prefix.AddRange(prefixItems.Select((p, i) => Schema(p, $"{pointer}/prefixItems/{i}")));
                rest = obj["items"];
            }
            else if (obj["items"] is JsonArray tuple)
            {
                prefix.AddRange(tuple.Select((p, i) => Schema(p, $"{pointer}/items/{i}")));
                rest = obj["additionalItems"];
            }
            else
            {
                rest = obj["items"];
            }

            rest ??= obj["unevaluatedItems"];
            var restNode = rest is null ? json.AnyValue : Schema(rest, $"{pointer}/items");
            var min = obj["minItems"] is { } mi ? (int)Number(mi) : 0;
            int? max = obj["maxItems"] is { } ma ? (int)Math.Min(Number(ma), int.MaxValue) : null;
            if (obj["uniqueItems"] is JsonValue unique && unique.GetValueKind() == JsonValueKind.True && (max is null || max > 1))
            {
                Unsupported(pointer, "uniqueItems", "uniqueness of items cannot be expressed in a grammar");
            }

            var sep = GrammarNode.Seq(json.Ws, GrammarNode.Literal(","), json.Ws);
            if (obj.TryGetPropertyValue("contains", out var contains))
            {
                var minContains = obj["minContains"] is { } mc ? (int)Number(mc) : 1;
                if (obj.ContainsKey("maxContains"))
                {
                    Unsupported(pointer, "maxContains", "an upper bound on matching items needs the complement of the contains schema");
                }
                else if (minContains > 0)
                {
                    if (prefix.Count > 0 || max is not null || min > minContains)
                    {
                        Unsupported(pointer, "contains", "contains together with prefixItems, maxItems or a larger minItems cannot be combined into one grammar");
                    }
                    else
                    {
                        var matching = Guarded(() => Schema(Merge(rest ?? JsonValue.Create(true)!, Inline(contains, $"{pointer}/contains", pointer), pointer), $"{pointer}/contains"));
                        var others = GrammarNode.Star(GrammarNode.Seq(sep, restNode));
                        return GrammarNode.Seq(
                            GrammarNode.Literal("["), json.Ws,
                            GrammarNode.Star(GrammarNode.Seq(restNode, sep)), matching,
                            GrammarNode.Repeat(GrammarNode.Seq(others, sep, matching), minContains - 1, minContains - 1),
                            others, json.Ws, GrammarNode.Literal("]"));
                    }
                }
            }

            GrammarNode Tail(int count)
            {
                if (count >= prefix.Count)
                {
                    var lo = Math.Max(0, min - count);
                    int? hi = max is { } mx ? mx - count : null;
                    return hi is < 0 ? GrammarNode.Never : GrammarNode.Repeat(GrammarNode.Seq(sep, restNode), lo, hi);
                }

                var options = new List<GrammarNode>();
                if (count >= min && (max is null || count <= max))
                {
                    options.Add(GrammarNode.Empty);
                }

                if (max is null || count < max)
                {
                    options.Add(GrammarNode.Seq(sep, prefix[count], Tail(count + 1)));
                }

                return GrammarNode.Choice(options);
            }

            var body = new List<GrammarNode>();
            if (min == 0)
            {
                body.Add(GrammarNode.Empty);
            }

            if (max is null || max > 0)
            {
                body.Add(GrammarNode.Seq(prefix.Count > 0 ? prefix[0] : restNode, Tail(1)));
            }

            return GrammarNode.Seq(GrammarNode.Literal("["), json.Ws, GrammarNode.Choice(body), json.Ws, GrammarNode.Literal("]"));
        }

        private GrammarNode ObjectNode(JsonObject obj, string pointer)
        {
            if (obj["properties"] is { } p && p is not JsonObject)
            {
                throw new FormatException("\"properties\" must be an object of schemas");
            }

            if (obj["required"] is { } r && r is not JsonArray)
            {
                throw new FormatException("\"required\" must be an array of property names");
            }

            var declared = obj["properties"] as JsonObject ?? [];
            var required = (obj["required"] as JsonArray)?.Select(n => n!.GetValue<string>()).ToHashSet(StringComparer.Ordinal) ?? [];
            var additional = obj.ContainsKey("additionalProperties") ? obj["additionalProperties"] : obj["unevaluatedProperties"];
            var additionalNode = additional is null ? json.AnyValue : Schema(additional, $"{pointer}/additionalProperties");
            var names = declared.Select(p => p.Key).Concat(required.Where(r => !declared.ContainsKey(r))).ToList();
            var members = names.Select(name => (
                Name: name,
                Node: declared.TryGetPropertyValue(name, out var s) ? Schema(s, $"{pointer}/properties/{Escape(name)}") : additionalNode,
                Required: required.Contains(name))).ToList();

            GrammarNode? extraKey = null;
            if (obj["propertyNames"] is { } propertyNames && !IsTrue(propertyNames))
            {
                if (IsFalse(propertyNames))
                {
                    return required.Count > 0 ? GrammarNode.Never : GrammarNode.Seq(GrammarNode.Literal("{"), json.Ws, GrammarNode.Literal("}"));
                }

                if (PropertyNameContent(propertyNames, $"{pointer}/propertyNames") is not { } content)
                {
                    Unsupported(pointer, "propertyNames", "only string constraints (minLength, maxLength, pattern, const, enum) on property names are enforced");
                }
                else
                {
                    // Declared names that break the rule can never appear.
                    var forbidden = members.Where(m => !NameAllowed(m.Name, (JsonObject)propertyNames)).ToList();
                    if (forbidden.Any(m => m.Required))
                    {
                        return GrammarNode.Never;
                    }

                    members.RemoveAll(m => forbidden.Contains(m));
                    if (members.Count > 0 && !additionalNode.IsNever)
                    {
                        Unsupported(pointer, "propertyNames", "property-name constraints together with declared properties and additional properties are not enforced");
                    }

                    extraKey = GrammarNode.Seq(GrammarNode.Literal("\""), content, GrammarNode.Literal("\""));
                }
            }

            var allowAdditional = !additionalNode.IsNever;
            var minProperties = obj["minProperties"] is { } mp ? (int)Number(mp) : 0;
            int? maxProperties = obj["maxProperties"] is { } xp ? (int)Math.Min(Number(xp), int.MaxValue) : null;
            var requiredCount = members.Count(m => m.Required);
            var countNeeded = minProperties > requiredCount || (maxProperties is { } mx && (allowAdditional || members.Count > mx));
            var cap = countNeeded ? Math.Max(minProperties, maxProperties ?? 0) : 0;
            if (cap > 64)
            {
                Unsupported(pointer, minProperties > requiredCount ? "minProperties" : "maxProperties", "property counts above 64 are not enforced");
                countNeeded = false;
                cap = 0;
            }

            var sep = GrammarNode.Seq(json.Ws, GrammarNode.Literal(","), json.Ws);
            var colon = GrammarNode.Seq(json.Ws, GrammarNode.Literal(":"), json.Ws);
            var extraMember = GrammarNode.Seq(extraKey ?? KeyExcept(names), colon, additionalNode);
            var stem = rules.FreeName("object" + new string(pointer.Skip(1).Select(ch => char.IsLetterOrDigit(ch) ? ch : '-').ToArray()));

            // first(i, c): members i.. with nothing written yet; rest(i, c): members i.. after at least one member.
            // c counts the members written so far (capped at cap when counting).
            var first = new Dictionary<(int, int), GrammarNode>();
            var rest = new Dictionary<(int, int), GrammarNode>();
            int Next(int c) => countNeeded ? Math.Min(c + 1, cap) : 0;
            bool CountOk(int c) => !countNeeded || (c >= minProperties && (maxProperties is null || c <= maxProperties));
            GrammarNode Extras(int c, bool afterMember)
            {
                if (!allowAdditional)
                {
                    return CountOk(c) ? GrammarNode.Empty : GrammarNode.Never;
                }

                var lo = countNeeded ? Math.Max(0, minProperties - c) : 0;
                int? hi = countNeeded && maxProperties is { } m ? m - c : null;
                if (hi is < 0)
                {
                    return GrammarNode.Never;
                }

                if (afterMember)
                {
                    return GrammarNode.Repeat(GrammarNode.Seq(sep, extraMember), lo, hi);
                }

                var some = hi == 0 ? GrammarNode.Never : GrammarNode.Seq(extraMember, GrammarNode.Repeat(GrammarNode.Seq(sep, extraMember), Math.Max(0, lo - 1), hi - 1));
                return lo == 0 ? GrammarNode.Choice(GrammarNode.Empty, some) : some;
            }

            GrammarNode Build(int i, int c, bool afterMember)
            {
                var table = afterMember ? rest : first;
                if (table.TryGetValue((i, c), out var done))
                {
                    return done;
                }

                GrammarNode body;
                if (i == members.Count)
                {
                    body = Extras(c, afterMember);
                }
                else
                {
                    var member = GrammarNode.Seq(GrammarNode.Literal("\"" + JsonGrammar.EncodeContent(members[i].Name) + "\""), colon, members[i].Node);
                    var take = countNeeded && maxProperties is { } m && c >= m ? GrammarNode.Never
                        : GrammarNode.Seq(afterMember ? sep : GrammarNode.Empty, member, Build(i + 1, Next(c), afterMember: true));
                    body = GrammarNode.Choice(take, members[i].Required ? GrammarNode.Never : Build(i + 1, c, afterMember));
                }

                var node = i == members.Count || body.IsNever ? body : rules.Define($"{stem}-{(afterMember ? "rest" : "first")}{i}-{c}", body);
                table[(i, c)] = node;
                return node;
            }

            return GrammarNode.Seq(GrammarNode.Literal("{"), json.Ws, Build(0, 0, afterMember: false), json.Ws, GrammarNode.Literal("}"));
        }

        private static string Escape(string name) => name.Replace("~", "~0").Replace("/", "~1");

        /// <summary>The encoded content of a property name allowed by a string-only propertyNames schema, or null when the schema has other keywords.</summary>
        private GrammarNode? PropertyNameContent(JsonNode schema, string pointer)
        {
            if (schema is not JsonObject names || ConstraintKeys(names).Any(k => k is not ("type" or "minLength" or "maxLength" or "pattern" or "const" or "enum"))
                || (names["type"] is { } t && !(t is JsonValue v && v.GetValueKind() == JsonValueKind.String && v.GetValue<string>() == "string")))
            {
                return null;
            }

            if (names.ContainsKey("const") || names.ContainsKey("enum"))
            {
                var values = names.ContainsKey("const") ? [names["const"]] : ((JsonArray)names["enum"]!).ToList();
                return GrammarNode.Choice(values
                    .Where(x => x is JsonValue s && s.GetValueKind() == JsonValueKind.String && NameAllowed(s.GetValue<string>(), names))
                    .Select(x => GrammarNode.Literal(JsonGrammar.EncodeContent(x!.GetValue<string>()))));
            }

            return StringContent(names, pointer);
        }

        private static bool NameAllowed(string name, JsonObject rule)
        {
            var length = CodePoints(name);
            return (rule["minLength"] is not { } min || length >= Number(min))
                && (rule["maxLength"] is not { } max || length <= Number(max))
                && (rule["pattern"] is not { } pattern || Regex.IsMatch(name, pattern.GetValue<string>(), RegexOptions.None, TimeSpan.FromSeconds(1)))
                && (rule["const"] is not { } c || (c is JsonValue cv && cv.GetValueKind() == JsonValueKind.String && cv.GetValue<string>() == name))
                && (rule["enum"] is not JsonArray e || e.Any(x => x is JsonValue ev && ev.GetValueKind() == JsonValueKind.String && ev.GetValue<string>() == name));
        }

        /// <summary>A JSON string that is none of <paramref name="names"/> (exact, since the encoding is canonical).</summary>
        private GrammarNode KeyExcept(IReadOnlyCollection<string> names)
        {
            if (names.Count == 0)
            {
                return json.AnyString;
            }

            var trie = new Trie();
            foreach (var name in names)
            {
                trie.Add(name);
            }

            return GrammarNode.Seq(GrammarNode.Literal("\""), NotIn(trie), GrammarNode.Literal("\""));
        }

        private GrammarNode NotIn(Trie node)
        {
            var alternatives = new List<GrammarNode>();
            if (!node.Terminal)
            {
                alternatives.Add(GrammarNode.Empty);
            }

            var children = node.Children.Keys.Select(c => new CodePointRange(c, c)).ToList();
            alternatives.Add(GrammarNode.Seq(json.Char((CharClassNode)GrammarNode.NotClass(children)), GrammarNode.Star(json.AnyChar)));
            foreach (var (c, child) in node.Children)
            {
                alternatives.Add(GrammarNode.Seq(JsonGrammar.Encode(GrammarNode.Class(new CodePointRange(c, c))), NotIn(child)));
            }

            return GrammarNode.Choice(alternatives);
        }

        private sealed class Trie
        {
            public bool Terminal { get; private set; }

            public SortedDictionary<int, Trie> Children { get; } = [];

            public void Add(string text)
            {
                var node = this;
                for (var i = 0; i < text.Length; i++)
                {
                    var cp = char.IsHighSurrogate(text[i]) && i + 1 < text.Length ? char.ConvertToUtf32(text[i], text[++i]) : text[i];
                    if (!node.Children.TryGetValue(cp, out var child))
                    {
                        child = new Trie();
                        node.Children[cp] = child;
                    }

                    node = child;
                }

                node.Terminal = true;
            }
        }
    }
}
