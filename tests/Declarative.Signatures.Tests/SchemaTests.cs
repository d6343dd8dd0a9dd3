using System.Text.Json.Nodes;

namespace Declarative.Signatures.Tests;

public class SchemaTests
{
    [Fact]
    public void Prompt_schema_matches_pydantic_with_type_first()
    {
        var schema = PythonJson.Serialize(TypeShapeSchema.ForPrompt(TypeShape.FromType(typeof(Address))));
        Assert.Equal(
            "{\"type\": \"object\", \"properties\": {\"city\": {\"type\": \"string\", \"title\": \"City\"}, \"country\": {\"type\": \"string\", \"title\": \"Country\"}}, \"required\": [\"city\", \"country\"], \"title\": \"Address\"}",
            schema);
    }

    [Fact]
    public void Prompt_schema_puts_nested_types_in_defs()
    {
        var schema = TypeShapeSchema.ForPrompt(TypeShape.FromType(typeof(List<Person>)));
        Assert.Equal("array", schema["type"]!.GetValue<string>());
        Assert.Equal("#/$defs/Person", schema["items"]!["$ref"]!.GetValue<string>());
        var person = schema["$defs"]!["Person"]!;
        Assert.Equal("#/$defs/Address", person["properties"]!["home"]!["$ref"]!.GetValue<string>());
        Assert.Equal("where they live", person["properties"]!["home"]!["description"]!.GetValue<string>());
        Assert.Equal(150, person["properties"]!["age"]!["maximum"]!.GetValue<long>());
        Assert.Null(person["properties"]!["nickname"]!["default"]);
        Assert.Equal(["name", "home", "age"], person["required"]!.AsArray().Select(n => n!.GetValue<string>()));
    }

    [Fact]
    public void Strict_output_schema_requires_everything()
    {
        var schema = TypeShapeSchema.ForOutputs(Signature.For<Triage>());
        Assert.False(schema["additionalProperties"]!.GetValue<bool>());
        Assert.Equal(["severity", "escalate", "people", "scores", "code"], schema["required"]!.AsArray().Select(n => n!.GetValue<string>()));
        var people = schema["properties"]!["people"]!;
        Assert.Equal(1, people["minItems"]!.GetValue<int>());
        Assert.Equal(3, people["maxItems"]!.GetValue<int>());
        var person = people["items"]!;
        Assert.False(person["additionalProperties"]!.GetValue<bool>());
        Assert.Equal(4, person["required"]!.AsArray().Count);
        var code = schema["properties"]!["code"]!["anyOf"]![0]!;
        Assert.Equal("^[A-Z]{3}-\\d+$", code["pattern"]!.GetValue<string>());
        Assert.Equal(12, code["maxLength"]!.GetValue<int>());
    }

    [Fact]
    public void Strict_schema_handles_recursion_with_defs()
    {
        var schema = TypeShapeSchema.ForValue(TypeShape.FromType(typeof(TreeNode)));
        Assert.Equal("#/$defs/TreeNode", schema["$ref"]!.GetValue<string>());
        var node = schema["$defs"]!["TreeNode"]!;
        Assert.Equal("#/$defs/TreeNode", node["properties"]!["children"]!["items"]!["$ref"]!.GetValue<string>());
    }

    [Fact]
    public void Python_json_uses_python_separators_and_keeps_unicode()
    {
        var node = JsonNode.Parse("{\"a\": [1, 2.5, \"x\\ny\", \"é\"], \"b\": {\"c\": null, \"d\": true}}");
        Assert.Equal("{\"a\": [1, 2.5, \"x\\ny\", \"é\"], \"b\": {\"c\": null, \"d\": true}}", PythonJson.Serialize(node));
        Assert.Equal("{\n  \"a\": 1,\n  \"b\": []\n}", PythonJson.Serialize(JsonNode.Parse("{\"a\":1,\"b\":[]}"), indent: 2));
    }

    [Fact]
    public void Python_json_writes_records_in_snake_case()
    {
        Assert.Equal("{\"city\": \"Paris\", \"country\": \"FR\"}", PythonJson.Serialize(new Address("Paris", "FR")));
        Assert.Equal("[3.0, 0.5]", PythonJson.Serialize(new[] { 3.0, 0.5 }));
    }
}
