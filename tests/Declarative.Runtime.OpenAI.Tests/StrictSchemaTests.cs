using System.Text.Json.Nodes;

namespace Declarative.Runtime.OpenAI.Tests;

public class StrictSchemaTests
{
    private static JsonObject Strict(string schema) => StrictSchema.From(JsonNode.Parse(schema)!.AsObject()).Strict;

    [Fact]
    public void Nested_objects_are_closed_and_fully_required()
    {
        var s = Strict("""{"type":"object","properties":{"a":{"type":"string"},"b":{"type":"object","properties":{"c":{"type":"integer"}},"required":["c"]}},"required":["a","b"]}""");
        Assert.Equal("""{"type":"object","properties":{"a":{"type":"string"},"b":{"type":"object","properties":{"c":{"type":"integer"}},"required":["c"],"additionalProperties":false}},"required":["a","b"],"additionalProperties":false}""", s.ToJsonString());
    }

    [Fact]
    public void Optional_properties_become_required_type_unions_with_null()
    {
        var s = Strict("""{"type":"object","properties":{"a":{"type":"string"},"n":{"type":"integer"},"e":{"type":"string","enum":["x","y"]},"r":{"$ref":"#/$defs/T"}},"required":["a"],"$defs":{"T":{"type":"object","properties":{}}}}""");
        Assert.Equal("""["a","n","e","r"]""", s["required"]!.ToJsonString());
        Assert.Equal("""["integer","null"]""", s["properties"]!["n"]!["type"]!.ToJsonString());
        Assert.Equal("""["x","y",null]""", s["properties"]!["e"]!["enum"]!.ToJsonString());
        Assert.Equal("""{"anyOf":[{"$ref":"#/$defs/T"},{"type":"null"}]}""", s["properties"]!["r"]!.ToJsonString());
        Assert.Equal("""{"type":"object","properties":{},"required":[],"additionalProperties":false}""", s["$defs"]!["T"]!.ToJsonString());
    }

    [Fact]
    public void Unsupported_keywords_move_into_the_description()
    {
        var s = Strict("""{"type":"object","properties":{"name":{"type":"string","description":"Who.","minLength":1,"maxLength":20,"pattern":"^[A-Z]"},"age":{"type":"integer","minimum":0,"maximum":150},"when":{"type":"string","format":"date"}},"required":["name","age","when"]}""");
        var name = s["properties"]!["name"]!.AsObject();
        Assert.False(name.ContainsKey("maxLength") || name.ContainsKey("minLength") || name.ContainsKey("pattern"));
        Assert.Equal("""Who. Constraints: minLength: 1; maxLength: 20; pattern: "^[A-Z]".""", name["description"]!.GetValue<string>());
        Assert.Equal("Constraints: minimum: 0; maximum: 150.", s["properties"]!["age"]!["description"]!.GetValue<string>());
        Assert.Null(s["properties"]!["when"]!["format"]);
    }

    [Fact]
    public void Arrays_enums_and_defs_are_rewritten_inside()
    {
        var s = Strict("""{"type":"object","properties":{"tags":{"type":"array","items":{"$ref":"#/$defs/Tag"},"minItems":1,"maxItems":3},"level":{"enum":["low","high"]}},"required":["tags","level"],"$defs":{"Tag":{"type":"object","properties":{"label":{"type":"string","maxLength":8},"score":{"type":"number"}},"required":["label"]}}}""");
        var tags = s["properties"]!["tags"]!;
        Assert.Null(tags["minItems"]);
        Assert.Equal("""{"$ref":"#/$defs/Tag"}""", tags["items"]!.ToJsonString());
        Assert.Equal("""{"enum":["low","high"]}""", s["properties"]!["level"]!.ToJsonString());
        var tag = s["$defs"]!["Tag"]!;
        Assert.False(tag["additionalProperties"]!.GetValue<bool>());
        Assert.Equal("""["label","score"]""", tag["required"]!.ToJsonString());
        Assert.Equal("""["number","null"]""", tag["properties"]!["score"]!["type"]!.ToJsonString());
        Assert.Equal(0, StrictSchema.From(s).MovedCount);
    }

    [Fact]
    public void One_of_becomes_any_of_and_nullable_any_of_stays()
    {
        var s = Strict("""{"type":"object","properties":{"v":{"oneOf":[{"type":"string"},{"type":"integer"}]},"w":{"anyOf":[{"type":"string"},{"type":"null"}]}}}""");
        Assert.Equal("""{"anyOf":[{"anyOf":[{"type":"string"},{"type":"integer"}]},{"type":"null"}]}""", s["properties"]!["v"]!.ToJsonString());
        Assert.Equal("""{"anyOf":[{"type":"string"},{"type":"null"}]}""", s["properties"]!["w"]!.ToJsonString());
    }

    [Fact]
    public void The_checker_walks_refs_arrays_and_nullable_branches()
    {
        var schema = JsonNode.Parse("""{"type":"object","properties":{"tags":{"type":"array","items":{"$ref":"#/$defs/Tag"},"maxItems":2},"n":{"anyOf":[{"type":"integer","minimum":1},{"type":"null"}]}},"$defs":{"Tag":{"type":"object","properties":{"label":{"type":"string","maxLength":3}}}}}""")!.AsObject();
        Assert.Empty(ConstraintChecker.Check(schema, """{"tags":[{"label":"ab"}],"n":null}"""));
        var violations = ConstraintChecker.Check(schema, """{"tags":[{"label":"abcd"},{"label":"a"},{"label":"b"}],"n":0}""");
        Assert.Equal(3, violations.Count);
        Assert.Contains(violations, v => v.StartsWith("$.tags[0].label", StringComparison.Ordinal));
        Assert.Contains(violations, v => v.StartsWith("$.tags:", StringComparison.Ordinal));
        Assert.Contains(violations, v => v.StartsWith("$.n:", StringComparison.Ordinal));
        Assert.Empty(ConstraintChecker.Check(schema, "not json"));
    }
}
