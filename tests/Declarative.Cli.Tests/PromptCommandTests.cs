using System.Text.Json.Nodes;

namespace Declarative.Cli.Tests;

public class PromptCommandTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("declarative-cli-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Fact]
    public async Task Prints_the_exact_messages_as_json()
    {
        var (code, stdout, stderr) = await CliRunner.RunAsync("prompt", "--signature", "question -> answer: int", "--inputs", "{\"question\": \"2+2?\"}");
        Assert.Equal(0, code);
        Assert.Equal("", stderr);
        var messages = JsonNode.Parse(stdout)!.AsArray();
        Assert.Equal(2, messages.Count);
        Assert.Equal("system", messages[0]!["role"]!.GetValue<string>());
        Assert.Contains("{answer}        # note: the value you produce must be a single int value", messages[0]!["content"]!.GetValue<string>());
        Assert.Equal(
            "[[ ## question ## ]]\n2+2?\n\nRespond with the corresponding output fields, starting with the field `[[ ## answer ## ]]` (must be formatted as a valid Python int), and then ending with the marker for `[[ ## completed ## ]]`.",
            messages[1]!["content"]!.GetValue<string>());
    }

    [Fact]
    public async Task Demos_instructions_and_adapter_are_applied()
    {
        var demos = Path.Combine(folder, "demos.jsonl");
        await File.WriteAllTextAsync(demos, "{\"question\": \"1+1\", \"answer\": 2}\n\n{\"question\": \"2+3\", \"answer\": 5}\n");
        var (code, stdout, _) = await CliRunner.RunAsync("prompt", "-s", "question -> answer: int", "--instructions", "Add.", "--adapter", "json", "--demos", demos, "-i", "{\"question\": \"3+4\"}");
        Assert.Equal(0, code);
        var messages = JsonNode.Parse(stdout)!.AsArray();
        Assert.Equal(6, messages.Count);
        Assert.EndsWith("        Add.", messages[0]!["content"]!.GetValue<string>());
        Assert.Equal("{\n  \"answer\": 2\n}", messages[2]!["content"]!.GetValue<string>());
        Assert.EndsWith("Respond with a JSON object in the following order of fields: `answer` (must be formatted as a valid Python int).", messages[5]!["content"]!.GetValue<string>());
    }

    [Fact]
    public async Task Chain_of_thought_adds_reasoning()
    {
        var (code, stdout, _) = await CliRunner.RunAsync("prompt", "-s", "question -> answer", "--cot", "-i", "{\"question\": \"q\"}");
        Assert.Equal(0, code);
        Assert.Contains("1. `reasoning` (str)", stdout);
    }

    [Theory]
    [InlineData(new[] { "prompt" }, "--signature")]
    [InlineData(new[] { "prompt", "-s", "question answer" }, "exactly one '->'")]
    [InlineData(new[] { "prompt", "-s", "q -> a", "--adapter", "yaml" }, "--adapter 'yaml'")]
    [InlineData(new[] { "prompt", "-s", "q -> a", "-i", "[1]" }, "--inputs must be a JSON object")]
    [InlineData(new[] { "prompt", "-s", "q -> a", "-i", "{oops" }, "--inputs is not valid JSON")]
    [InlineData(new[] { "prompt", "-s", "q -> a", "-i", "{\"z\": 1}" }, "'z' is not an input")]
    [InlineData(new[] { "prompt", "-s", "q: int -> a", "-i", "{\"q\": \"x\"}" }, "'q' is not a int")]
    [InlineData(new[] { "prompt", "-s", "q -> a", "--demos", "/nonexistent.jsonl" }, "does not exist")]
    public async Task Bad_input_exits_2_with_one_line(string[] args, string expected)
    {
        var (code, stdout, stderr) = await CliRunner.RunAsync(args);
        Assert.Equal(2, code);
        Assert.Equal("", stdout);
        Assert.Contains(expected, stderr);
        Assert.Single(stderr.TrimEnd('\n').Split('\n'));
    }
}
