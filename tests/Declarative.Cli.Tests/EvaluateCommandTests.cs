using System.Text.Json.Nodes;

namespace Declarative.Cli.Tests;

public sealed class EvaluateCommandTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("declarative-evaluate-").FullName;

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(folder, recursive: true);
    }

    private string File(string name, params string[] lines)
    {
        var path = Path.Combine(folder, name);
        System.IO.File.WriteAllLines(path, lines);
        return path;
    }

    private string Devset() => File("dev.jsonl",
        "{\"question\": \"Capital of France?\", \"answer\": \"Paris\"}",
        "{\"question\": \"Capital of Italy?\", \"answer\": \"Rome\"}",
        "{\"question\": \"Capital of Spain?\", \"answer\": \"Madrid\"}");

    [Fact]
    public async Task Prints_the_score_in_percent_as_the_last_stdout_line()
    {
        var lm = File("lm.jsonl", "{\"answer\": \"paris.\"}", "{\"answer\": \"Milan\"}", "{\"answer\": \"The Madrid\"}");
        var results = Path.Combine(folder, "rows.csv");
        var (code, stdout, stderr) = await CliRunner.RunAsync("evaluate", "-s", "question -> answer", "--devset", Devset(),
            "--metric", "exact_match", "--lm", "scripted:" + lm, "--no-cache", "--max-parallelism", "1", "--results", results);
        Assert.Equal(0, code);
        var score = JsonNode.Parse(stdout.Trim().Split('\n')[^1])!;
        Assert.Equal(66.67, score["score"]!.GetValue<double>());
        Assert.Equal(3, score["n"]!.GetValue<int>());
        Assert.Contains("evaluate: 3/3 scored, average 66.67%, 0 errors", stderr);
        var csv = System.IO.File.ReadAllLines(results);
        Assert.Equal("index,question,answer,score,feedback,error", csv[0]);
        Assert.Equal("1,Capital of Italy?,Milan,0,,", csv[2]);
    }

    [Fact]
    public async Task F1_with_chain_of_thought_and_json_results()
    {
        var lm = File("lm.jsonl", "{\"reasoning\": \"r\", \"answer\": \"Paris city\"}", "{\"reasoning\": \"r\", \"answer\": \"Paris city\"}", "{\"reasoning\": \"r\", \"answer\": \"Paris city\"}");
        var devset = File("dev.jsonl", "{\"question\": \"a\", \"answer\": \"Paris\"}", "{\"question\": \"b\", \"answer\": \"Paris\"}", "{\"question\": \"c\", \"answer\": \"Lyon\"}");
        var results = Path.Combine(folder, "rows.json");
        var (code, stdout, _) = await CliRunner.RunAsync("evaluate", "-s", "question -> answer", "--module", "cot", "--devset", devset,
            "--metric", "f1", "--field", "answer", "--input-keys", "question", "--lm", "scripted:" + lm, "--no-cache", "--results", results);
        Assert.Equal(0, code);
        Assert.Equal("{\"score\":44.44,\"n\":3}", stdout.Trim()); // (2/3 + 2/3 + 0) / 3
        Assert.Equal("r", JsonNode.Parse(System.IO.File.ReadAllText(results))!["rows"]![0]!["outputs"]!["reasoning"]!.GetValue<string>());
    }

    [Fact]
    public async Task Examples_whose_answer_cannot_be_parsed_count_as_failures()
    {
        var lm = File("lm.jsonl", "{\"raw\": \"no idea\"}", "{\"raw\": \"no idea\"}", "{\"raw\": \"no idea\"}", "{\"raw\": \"no idea\"}", "{\"raw\": \"no idea\"}", "{\"raw\": \"no idea\"}");
        var (code, stdout, stderr) = await CliRunner.RunAsync("evaluate", "-s", "question -> answer: int", "--devset", Devset(),
            "--lm", "scripted:" + lm, "--no-cache");
        Assert.Equal(0, code);
        Assert.Equal("{\"score\":0,\"n\":3}", stdout.Trim());
        Assert.Contains("3 errors", stderr);
        Assert.Contains("failed: AdapterParseException", stderr);
    }

    [Fact]
    public async Task Telemetry_shows_the_evaluate_span_and_keeps_stdout_json()
    {
        var lm = File("lm.jsonl", "{\"answer\": \"Paris\"}", "{\"answer\": \"Rome\"}", "{\"answer\": \"Madrid\"}");
        var (code, stdout, stderr) = await CliRunner.RunAsync("evaluate", "-s", "question -> answer", "--devset", Devset(),
            "--lm", "scripted:" + lm, "--no-cache", "--max-parallelism", "1", "--telemetry", "console");
        Assert.Equal(0, code);
        Assert.Equal("{\"score\":100,\"n\":3}", stdout.Trim());
        Assert.Contains("span program evaluate", stderr);
        Assert.Contains("metric declarative.lm.calls 3", stderr);
    }

    [Theory]
    [InlineData("--metric", "bleu", "--metric 'bleu' is not known")]
    [InlineData("--module", "react", "--module 'react' is not known")]
    [InlineData("--field", "question", "--field 'question' is not an output")]
    [InlineData("--input-keys", "context", "--input-keys: 'context' is not an input")]
    [InlineData("--max-parallelism", "0", "--max-parallelism must be at least 1")]
    [InlineData("--results", "rows.txt", "must end in .csv or .json")]
    public async Task Bad_options_exit_2_with_one_line(string option, string value, string expected)
    {
        var lm = File("lm.jsonl", "{\"answer\": \"Paris\"}");
        var (code, stdout, stderr) = await CliRunner.RunAsync("evaluate", "-s", "question -> answer", "--devset", Devset(),
            "--lm", "scripted:" + lm, "--no-cache", option, value);
        Assert.Equal(2, code);
        Assert.Equal("", stdout);
        Assert.Contains(expected, stderr);
        Assert.Single(stderr.Trim().Split('\n'));
    }

    [Fact]
    public async Task A_bad_devset_line_is_named()
    {
        var devset = File("dev.jsonl", "{\"question\": \"q\", \"answer\": \"a\"}", "{\"answer\": \"b\"}");
        var lm = File("lm.jsonl", "{\"answer\": \"a\"}");
        var (code, _, stderr) = await CliRunner.RunAsync("evaluate", "-s", "question -> answer", "--devset", devset, "--lm", "scripted:" + lm, "--no-cache");
        Assert.Equal(2, code);
        Assert.Contains($"--devset {devset}:2: the example has no input 'question'", stderr);
    }
}
