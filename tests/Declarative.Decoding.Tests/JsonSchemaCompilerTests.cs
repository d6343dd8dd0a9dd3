using Declarative.Grammars;

namespace Declarative.Decoding.Tests;

public class JsonSchemaCompilerTests
{
    public static readonly TheoryData<string, string, bool> Cases = new()
    {
        { "{\"type\": \"string\"}", "\"hi \\\"there\\\"\\n\"", true },
        { "{\"type\": \"string\"}", "42", false },
        { "{\"type\": [\"integer\", \"null\"]}", "null", true },
        { "{\"type\": [\"integer\", \"null\"]}", "1.5", false },
        { "{\"type\": \"boolean\"}", "true", true },
        { "{\"enum\": [\"a\", 1, null, [1, 2]]}", "[1,2]", true },
        { "{\"enum\": [\"a\", 1, null, [1, 2]]}", "\"b\"", false },
        { "{\"const\": {\"k\": \"v\"}}", "{\"k\":\"v\"}", true },
        { "{\"type\": \"string\", \"minLength\": 2, \"maxLength\": 3}", "\"ab\"", true },
        { "{\"type\": \"string\", \"minLength\": 2, \"maxLength\": 3}", "\"abcd\"", false },
        { "{\"type\": \"string\", \"minLength\": 2, \"maxLength\": 3}", "\"é😀\"", true },
        { "{\"type\": \"string\", \"pattern\": \"^[A-Z]{3}-\\\\d+$\"}", "\"ABC-12\"", true },
        { "{\"type\": \"string\", \"pattern\": \"^[A-Z]{3}-\\\\d+$\"}", "\"AB-12\"", false },
        { "{\"type\": \"string\", \"pattern\": \"b\"}", "\"abc\"", true },
        { "{\"type\": \"string\", \"format\": \"date\"}", "\"2024-02-29\"", true },
        { "{\"type\": \"string\", \"format\": \"date\"}", "\"2023-02-29\"", false },
        { "{\"type\": \"string\", \"format\": \"uuid\"}", "\"0f8fad5b-d9cb-469f-a165-70867728950e\"", true },
        { "{\"type\": \"string\", \"format\": \"ipv4\"}", "\"256.1.1.1\"", false },
        { "{\"type\": \"string\", \"format\": \"date-time\"}", "\"2026-11-29T13:45:10Z\"", true },
        { "{\"type\": \"string\", \"format\": \"email\"}", "\"ada@example.org\"", true },
        { "{\"type\": \"array\", \"items\": {\"type\": \"integer\"}, \"minItems\": 1, \"maxItems\": 2}", "[1,2]", true },
        { "{\"type\": \"array\", \"items\": {\"type\": \"integer\"}, \"minItems\": 1, \"maxItems\": 2}", "[]", false },
        { "{\"type\": \"array\", \"items\": {\"type\": \"integer\"}, \"minItems\": 1, \"maxItems\": 2}", "[1,2,3]", false },
        { "{\"prefixItems\": [{\"type\": \"string\"}, {\"type\": \"integer\"}], \"items\": false}", "[\"a\",1]", true },
        { "{\"prefixItems\": [{\"type\": \"string\"}, {\"type\": \"integer\"}], \"items\": false}", "[\"a\",1,2]", false },
        { "{\"prefixItems\": [{\"type\": \"string\"}, {\"type\": \"integer\"}], \"items\": false}", "[\"a\"]", true },
        { "{\"type\": \"array\", \"contains\": {\"const\": 3}, \"minContains\": 2}", "[1,3,2,3]", true },
        { "{\"type\": \"array\", \"contains\": {\"const\": 3}, \"minContains\": 2}", "[1,3,2]", false },
        { "{\"type\": \"object\", \"properties\": {\"a\": {\"type\": \"integer\"}, \"b\": {\"type\": \"string\"}}, \"required\": [\"b\"], \"additionalProperties\": false}", "{\"a\":1,\"b\":\"x\"}", true },
        { "{\"type\": \"object\", \"properties\": {\"a\": {\"type\": \"integer\"}, \"b\": {\"type\": \"string\"}}, \"required\": [\"b\"], \"additionalProperties\": false}", "{\"b\":\"x\"}", true },
        { "{\"type\": \"object\", \"properties\": {\"a\": {\"type\": \"integer\"}, \"b\": {\"type\": \"string\"}}, \"required\": [\"b\"], \"additionalProperties\": false}", "{\"a\":1}", false },
        { "{\"type\": \"object\", \"properties\": {\"a\": {\"type\": \"integer\"}, \"b\": {\"type\": \"string\"}}, \"required\": [\"b\"], \"additionalProperties\": false}", "{\"b\":\"x\",\"c\":1}", false },
        { "{\"properties\": {\"a\": {\"type\": \"integer\"}}, \"additionalProperties\": {\"type\": \"string\"}}", "{\"a\":1,\"z\":\"s\"}", true },
        { "{\"properties\": {\"a\": {\"type\": \"integer\"}}, \"additionalProperties\": {\"type\": \"string\"}}", "{\"z\":1}", false },
        { "{\"properties\": {\"a\": {\"type\": \"integer\"}}}", "{\"a\":\"not an int\"}", false },
        { "{\"minProperties\": 2, \"maxProperties\": 3}", "{\"a\":1,\"b\":2}", true },
        { "{\"minProperties\": 2, \"maxProperties\": 3}", "{\"a\":1}", false },
        { "{\"minProperties\": 2, \"maxProperties\": 3}", "{\"a\":1,\"b\":2,\"c\":3,\"d\":4}", false },
        { "{\"dependentRequired\": {\"card\": [\"address\"]}}", "{\"card\":1,\"address\":2}", true },
        { "{\"dependentRequired\": {\"card\": [\"address\"]}}", "{\"card\":1}", false },
        { "{\"allOf\": [{\"type\": \"integer\"}, {\"minimum\": 3}]}", "2", false },
        { "{\"allOf\": [{\"type\": \"integer\"}, {\"minimum\": 3}]}", "3", true },
        { "{\"anyOf\": [{\"type\": \"string\"}, {\"type\": \"integer\", \"minimum\": 10}]}", "12", true },
        { "{\"anyOf\": [{\"type\": \"string\"}, {\"type\": \"integer\", \"minimum\": 10}]}", "9", false },
        { "{\"oneOf\": [{\"type\": \"string\"}, {\"type\": \"integer\"}]}", "\"s\"", true },
        { "{\"$defs\": {\"node\": {\"type\": \"object\", \"properties\": {\"next\": {\"$ref\": \"#/$defs/node\"}}, \"additionalProperties\": false}}, \"$ref\": \"#/$defs/node\"}", "{\"next\":{\"next\":{}}}", true },
        { "{\"$defs\": {\"node\": {\"type\": \"object\", \"properties\": {\"next\": {\"$ref\": \"#/$defs/node\"}}, \"additionalProperties\": false}}, \"$ref\": \"#/$defs/node\"}", "{\"next\":{\"other\":{}}}", false },
        { "{\"allOf\": [{\"prefixItems\": [true]}, {\"unevaluatedItems\": false}]}", "[1]", false },
        { "{\"properties\": {\"a\": true}, \"unevaluatedProperties\": false}", "{\"a\":1,\"b\":2}", false },
        { "{\"not\": {\"type\": \"string\"}}", "\"s\"", false },
        { "{\"propertyNames\": {\"pattern\": \"^abc\"}}", "{\"abcd\":1}", true },
        { "{\"propertyNames\": {\"pattern\": \"^abc\"}}", "{\"d\":1}", false },
        { "{\"propertyNames\": {\"maxLength\": 2}}", "{\"ab\":1,\"c\":2}", true },
        { "{\"propertyNames\": {\"maxLength\": 2}}", "{\"abc\":1}", false },
        { "{\"propertyNames\": {\"enum\": [\"x\", \"y\"]}}", "{\"y\":null}", true },
        { "{\"propertyNames\": {\"enum\": [\"x\", \"y\"]}}", "{\"z\":null}", false },
        { "{\"properties\": {\"long\": {}, \"ok\": {}}, \"additionalProperties\": false, \"propertyNames\": {\"maxLength\": 2}}", "{\"ok\":1}", true },
        { "{\"properties\": {\"long\": {}, \"ok\": {}}, \"additionalProperties\": false, \"propertyNames\": {\"maxLength\": 2}}", "{\"long\":1}", false },
        { "{\"$defs\": {\"a\": {\"$id\": \"http://x.test/a.json\", \"type\": \"integer\"}}, \"$ref\": \"http://x.test/a.json\"}", "1", true },
        { "{\"$defs\": {\"a\": {\"$id\": \"http://x.test/a.json\", \"type\": \"integer\"}}, \"$ref\": \"http://x.test/a.json\"}", "\"s\"", false },
        { "{\"$id\": \"http://x.test/root.json\", \"properties\": {\"p\": {\"$ref\": \"item.json\"}}, \"$defs\": {\"i\": {\"$id\": \"item.json\", \"type\": \"string\"}}}", "{\"p\":\"s\"}", true },
        { "{\"$id\": \"http://x.test/root.json\", \"properties\": {\"p\": {\"$ref\": \"item.json\"}}, \"$defs\": {\"i\": {\"$id\": \"item.json\", \"type\": \"string\"}}}", "{\"p\":1}", false },
        { "{\"$id\": \"http://x.test/r.json\", \"$defs\": {\"b\": {\"$id\": \"b/\", \"$defs\": {\"c\": {\"$id\": \"c.json\", \"type\": \"boolean\"}}}}, \"$ref\": \"b/c.json\"}", "true", true },
        { "{\"$id\": \"http://x.test/r.json\", \"$defs\": {\"b\": {\"$id\": \"b/\", \"$defs\": {\"c\": {\"$id\": \"c.json\", \"type\": \"boolean\"}}}}, \"$ref\": \"b/c.json\"}", "1", false },
        { "{\"$defs\": {\"x\": {\"type\": \"string\"}, \"r\": {\"$id\": \"http://x.test/r.json\", \"$defs\": {\"x\": {\"type\": \"integer\"}}, \"$ref\": \"#/$defs/x\"}}, \"$ref\": \"http://x.test/r.json\"}", "3", true },
        { "{\"$defs\": {\"x\": {\"type\": \"string\"}, \"r\": {\"$id\": \"http://x.test/r.json\", \"$defs\": {\"x\": {\"type\": \"integer\"}}, \"$ref\": \"#/$defs/x\"}}, \"$ref\": \"http://x.test/r.json\"}", "\"s\"", false },
        { "false", "null", false },
        { "true", "{\"any\":[1,\"x\",null]}", true },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Keywords_are_enforced(string schema, string document, bool valid) =>
        Assert.Equal(valid, Match.Schema(schema)(document));

    [Theory]
    [InlineData("{\"type\": \"array\", \"uniqueItems\": true}", "#/uniqueItems")]
    [InlineData("{\"properties\": {\"a\": {\"if\": {\"type\": \"string\"}}}}", "#/properties/a/if")]
    [InlineData("{\"$ref\": \"other.json#/x\"}", "#/$ref")]
    [InlineData("{\"type\": \"string\", \"format\": \"hostname\"}", "#/format")]
    [InlineData("{\"patternProperties\": {\"^x\": {}}}", "#/patternProperties")]
    [InlineData("{\"oneOf\": [{\"minimum\": 1}, {\"maximum\": 5}]}", "#/oneOf")]
    public void Unenforceable_keywords_fail_with_their_pointer(string schema, string pointer)
    {
        var ex = Assert.Throws<JsonSchemaCompileException>(() => JsonSchemaCompiler.Compile(schema));
        Assert.StartsWith(pointer + ":", ex.Message);
    }

    [Theory]
    [InlineData("{\"properties\": {\"a\": {\"minLength\": \"three\"}}}", "#/properties/a")]
    [InlineData("{\"required\": {\"a\": 1}, \"type\": \"object\"}", "#")]
    [InlineData("{\"type\": 5}", "#")]
    [InlineData("[1, 2]", "#")]
    public void Malformed_schemas_fail_with_a_pointer(string schema, string pointer)
    {
        var ex = Assert.Throws<JsonSchemaCompileException>(() => JsonSchemaCompiler.Compile(schema));
        Assert.Equal(pointer, ex.Pointer);
    }

    [Fact]
    public void Lenient_mode_warns_instead()
    {
        var result = JsonSchemaCompiler.Compile("{\"type\": \"array\", \"uniqueItems\": true}", new JsonSchemaCompilerOptions { Lenient = true });
        var warning = Assert.Single(result.Warnings);
        Assert.StartsWith("#/uniqueItems: ignored:", warning);
    }

    [Fact]
    public void Formats_can_be_annotations()
    {
        Assert.True(Match.Schema("{\"format\": \"hostname\"}", new JsonSchemaCompilerOptions { FormatAsAnnotation = true })("\"not a host!\""));
    }

    [Fact]
    public void Bounded_whitespace_accepts_pretty_printed_documents()
    {
        var schema = "{\"type\": \"object\", \"properties\": {\"a\": {\"type\": \"array\", \"items\": {\"type\": \"integer\"}}}, \"required\": [\"a\"]}";
        var pretty = Match.Schema(schema, new JsonSchemaCompilerOptions { MaxWhitespace = 8 });
        Assert.True(pretty("{\n  \"a\": [\n    1,\n    2\n  ]\n}"));
        Assert.False(Match.Schema(schema)("{ \"a\": [1] }"));
    }

    [Fact]
    public void Gbnf_of_a_schema_is_printed()
    {
        var gbnf = JsonSchemaCompiler.Compile("{\"type\": \"object\", \"properties\": {\"n\": {\"type\": \"integer\", \"minimum\": 1, \"maximum\": 12}}, \"required\": [\"n\"], \"additionalProperties\": false}").Grammar.ToGbnf();
        Assert.StartsWith("root ::= \"{\" object-first0-0 \"}\"\n", gbnf);
        Assert.Contains("object-first0-0 ::= \"\\\"n\\\":\" ( [1-9] | \"1\" [0-2] )\n", gbnf);
    }
}
