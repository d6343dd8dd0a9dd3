using System.Text.Json.Nodes;

namespace Declarative.Cli.Tests;

/// <summary><c>--lm scripted:FILE.jsonl</c> with rule lines, the follow-examples switch and a queue.</summary>
public sealed class ScriptedSpecTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("declarative-scripted-").FullName;

    [Fact]
    public async Task Rules_answer_by_content_before_the_queue()
    {
        var lm = Write(
            """{"when": "France", "answer": {"answer": "Paris"}}""",
            """{"when": "Italy", "answer": {"answer": "Rome"}}""",
            """{"answer": "from the queue"}""");
        Assert.Equal("Rome", await Ask(lm, "Capital of Italy?"));
        Assert.Equal("Paris", await Ask(lm, "Capital of France?"));
        Assert.Equal("from the queue", await Ask(lm, "Capital of Spain?"));
    }

    [Fact]
    public async Task A_rule_without_text_is_bad_input_naming_the_fix()
    {
        var lm = Write("""{"when": "", "answer": {"answer": "x"}}""");
        var (code, _, stderr) = await CliRunner.RunAsync("run", "-s", "question -> answer", "-i", """{"question": "q"}""", "--lm", "scripted:" + lm, "--no-cache");
        Assert.Equal(2, code);
        Assert.Contains("non-empty text", stderr);
    }

    public void Dispose() => Directory.Delete(folder, recursive: true);

    private string Write(params string[] lines)
    {
        var path = Path.Combine(folder, Guid.NewGuid().ToString("N") + ".jsonl");
        File.WriteAllLines(path, lines);
        return path;
    }

    private static async Task<string> Ask(string lm, string question)
    {
        var (code, stdout, stderr) = await CliRunner.RunAsync("run", "-s", "question -> answer", "-i", new JsonObject { ["question"] = question }.ToJsonString(), "--lm", "scripted:" + lm, "--no-cache");
        Assert.True(code == 0, stderr);
        return JsonNode.Parse(stdout)!["answer"]!.GetValue<string>();
    }
}
