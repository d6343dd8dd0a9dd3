using System.Text.Json.Nodes;

namespace Declarative.Cli.Tests;

public class GrammarCommandTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("declarative-grammar-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    private string Write(string name, string content)
    {
        var path = Path.Combine(folder, name);
        File.WriteAllText(path, content);
        return path;
    }

    [Fact]
    public async Task Prints_gbnf_of_a_signature_and_a_schema()
    {
        var (code, stdout, _) = await CliRunner.RunAsync("grammar", "--signature", "question -> answer: int", "--adapter", "chat");
        Assert.Equal(0, code);
        Assert.StartsWith("root ::= \"[[ ## answer ## ]]\\n\" field-answer \"\\n\\n[[ ## completed ## ]]\"", stdout);

        var schema = Write("s.json", "{\"type\": \"object\", \"properties\": {\"ok\": {\"type\": \"boolean\"}}, \"required\": [\"ok\"], \"additionalProperties\": false}");
        (code, stdout, _) = await CliRunner.RunAsync("grammar", "--schema", schema, "--format", "ir");
        Assert.Equal(0, code);
        Assert.Contains("\"\\\"ok\\\":\" ( \"true\" | \"false\" )", stdout);
    }

    [Fact]
    public async Task Unenforceable_schema_exits_2_unless_lenient()
    {
        var schema = Write("u.json", "{\"type\": \"array\", \"uniqueItems\": true}");
        var (code, _, stderr) = await CliRunner.RunAsync("grammar", "--schema", schema);
        Assert.Equal(2, code);
        Assert.Contains("#/uniqueItems", stderr);
        Assert.Contains("--lenient", stderr);
        (code, _, stderr) = await CliRunner.RunAsync("grammar", "--schema", schema, "--lenient");
        Assert.Equal(0, code);
        Assert.StartsWith("warning: #/uniqueItems: ignored", stderr);
    }

    [Fact]
    public async Task Check_reads_both_case_formats_and_summarizes()
    {
        var suite = Write("suite.json", """
            [
              {"description": "small ints", "schema": {"type": "integer", "minimum": 1, "maximum": 3},
               "tests": [{"data": 2, "valid": true}, {"data": 4, "valid": false}, {"data": "2", "valid": false}]},
              {"description": "unique", "schema": {"uniqueItems": true}, "tests": [{"data": [1, 1], "valid": false}]}
            ]
            """);
        Write("maskbench.json", """{"schema": {"type": "string", "maxLength": 2}, "tests": [{"data": "ab", "valid": true}, {"data": "abc", "valid": false}]}""");
        var (code, stdout, _) = await CliRunner.RunAsync("grammar", "check", "--cases", folder);
        Assert.Equal(0, code);
        var lines = stdout.Trim().Split('\n').Select(l => JsonNode.Parse(l)!).ToList();
        Assert.Equal(4, lines.Count);
        var uncompiled = lines.Single(l => l["description"]?.GetValue<string>() == "unique");
        Assert.False(uncompiled["compiled"]!.GetValue<bool>());
        Assert.Contains("uniqueItems", uncompiled["error"]!.GetValue<string>());
        var ints = lines.Single(l => l["description"]?.GetValue<string>() == "small ints");
        Assert.Equal([true, false, false], ints["tests"]!.AsArray().Select(t => t!["accepted"]!.GetValue<bool>()));
        var summary = lines[^1];
        Assert.Equal(3, summary["cases"]!.GetValue<int>());
        Assert.Equal(2, summary["compiled"]!.GetValue<int>());
        Assert.Equal(5, summary["passed"]!.GetValue<int>());
        Assert.Equal(0, summary["false_accepts"]!.GetValue<int>());
        Assert.Equal(1, summary["not_compiled_tests"]!.GetValue<int>());
    }

    [Fact]
    public async Task Check_exits_1_on_disagreement()
    {
        var cases = Write("order.json", """[{"description": "order", "schema": {"properties": {"a": {}, "b": {}}}, "tests": [{"data": {"b": 1, "a": 2}, "valid": true}]}]""");
        var (code, stdout, _) = await CliRunner.RunAsync("grammar", "check", "--cases", cases);
        Assert.Equal(1, code);
        Assert.Contains("\"false_rejects\":1", stdout);
    }

    [Fact]
    public async Task Check_token_by_token_times_masks()
    {
        var cases = Write("tokens.json", """[{"description": "person", "schema": {"type": "object", "properties": {"name": {"type": "string"}, "age": {"type": "integer", "minimum": 0}}, "required": ["name", "age"]}, "tests": [{"data": {"name": "Ada Lovelace", "age": 36}, "valid": true}, {"data": {"name": "Ada", "age": -1}, "valid": false}]}]""");
        var (code, stdout, stderr) = await CliRunner.RunAsync("grammar", "check", "--cases", cases, "--vocab", "cl100k_base", "--masks");
        Assert.True(code == 0, stderr + stdout);
        var lines = stdout.Trim().Split('\n').Select(l => JsonNode.Parse(l)!).ToList();
        Assert.True(lines[0]["mask_us"]!["n"]!.GetValue<int>() > 5);
        Assert.Equal(0, lines[1]["mask_errors"]!.GetValue<int>());

        (code, _, stderr) = await CliRunner.RunAsync("grammar", "check", "--cases", cases, "--masks");
        Assert.Equal(2, code);
        Assert.Contains("--masks needs --vocab", stderr);
        (code, _, stderr) = await CliRunner.RunAsync("grammar", "check", "--cases", cases, "--vocab", "p50k_base");
        Assert.Equal(2, code);
        Assert.Contains("not a known tiktoken encoding", stderr);
    }

    [Fact]
    public async Task Check_token_by_token_with_a_gguf_vocabulary()
    {
        var model = Path.Combine(folder, "tiny.gguf");
        Declarative.Testing.TinyGguf.Write(model);
        var cases = Write("gguf.json", """[{"description": "tags", "schema": {"type": "array", "items": {"type": "string", "maxLength": 5}}, "tests": [{"data": ["the", "é"], "valid": true}, {"data": ["toolong"], "valid": false}]}]""");
        var (code, stdout, stderr) = await CliRunner.RunAsync("grammar", "check", "--cases", cases, "--vocab", "gguf:" + model, "--masks");
        Assert.True(code == 0, stderr + stdout);
        Assert.Contains("\"mask_errors\":0", stdout);
        (code, _, stderr) = await CliRunner.RunAsync("grammar", "check", "--cases", cases, "--vocab", "gguf:" + cases);
        Assert.Equal(2, code);
        Assert.Contains("not a GGUF file", stderr);
    }
}
