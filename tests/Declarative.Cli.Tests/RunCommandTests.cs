using System.Text.Json.Nodes;

namespace Declarative.Cli.Tests;

public class RunCommandTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("declarative-run-").FullName;

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(folder, recursive: true);
    }

    private string Answers(params string[] lines)
    {
        var path = Path.Combine(folder, $"answers-{Guid.NewGuid():N}.jsonl");
        File.WriteAllLines(path, lines);
        return path;
    }

    [Fact]
    public async Task Prints_the_prediction_as_one_json_object()
    {
        var lm = Answers("{\"answer\": \"Paris\", \"confidence\": 0.9, \"tags\": [\"geo\"]}");
        var (code, stdout, stderr) = await CliRunner.RunAsync("run", "-s", "question -> answer, confidence: float, tags: list[str]",
            "-i", "{\"question\": \"Capital of France?\"}", "--lm", "scripted:" + lm, "--no-cache");
        Assert.Equal(0, code);
        Assert.Equal("", stderr);
        Assert.Equal("{\"answer\":\"Paris\",\"confidence\":0.9,\"tags\":[\"geo\"]}", stdout.Trim());
    }

    [Fact]
    public async Task Telemetry_on_the_console_goes_to_stderr_and_leaves_stdout_json()
    {
        var lm = Answers("{\"answer\": \"Paris\"}");
        var (code, stdout, stderr) = await CliRunner.RunAsync("run", "-s", "question -> answer", "-i", "{\"question\": \"q\"}", "--lm", "scripted:" + lm, "--no-cache", "--telemetry", "console");
        Assert.Equal(0, code);
        Assert.Equal("Paris", JsonNode.Parse(stdout)!["answer"]!.GetValue<string>());
        Assert.Contains("span program run", stderr);
        Assert.Contains("span module ", stderr);
        Assert.Contains("span adapter ChatAdapter", stderr);
        Assert.Contains("gen_ai.operation.name=chat", stderr);
        Assert.Contains("metric declarative.lm.calls 1", stderr);
        Assert.Contains("metric declarative.lm.duration count=", stderr);
    }

    [Fact]
    public async Task An_unknown_telemetry_exporter_is_bad_input()
    {
        var lm = Answers("{\"answer\": \"Paris\"}");
        var (code, _, stderr) = await CliRunner.RunAsync("run", "-s", "question -> answer", "-i", "{\"question\": \"q\"}", "--lm", "scripted:" + lm, "--no-cache", "--telemetry", "jaeger");
        Assert.Equal(2, code);
        Assert.Contains("console", stderr);
        Assert.Contains("otlp", stderr);
    }

    [Fact]
    public async Task Chain_of_thought_prints_reasoning()
    {
        var lm = Answers("{\"reasoning\": \"It is in Europe.\", \"answer\": \"Paris\"}");
        var (code, stdout, _) = await CliRunner.RunAsync("run", "-s", "question -> answer", "--cot", "-i", "{\"question\": \"q\"}", "--lm", "scripted:" + lm, "--no-cache");
        Assert.Equal(0, code);
        var output = JsonNode.Parse(stdout)!;
        Assert.Equal("It is in Europe.", output["reasoning"]!.GetValue<string>());
        Assert.Equal("Paris", output["answer"]!.GetValue<string>());
    }

    [Fact]
    public async Task Unparseable_answer_exits_1_and_shows_the_raw_text()
    {
        var lm = Answers("{\"raw\": \"no idea\"}", "{\"raw\": \"still no idea\"}");
        var (code, stdout, stderr) = await CliRunner.RunAsync("run", "-s", "question -> answer: int", "-i", "{\"question\": \"q\"}", "--lm", "scripted:" + lm, "--no-cache");
        Assert.Equal(1, code);
        Assert.Equal("", stdout);
        Assert.Contains("could not parse", stderr);
        Assert.Contains("raw completion: still no idea", stderr);
    }

    [Theory]
    [InlineData("openai-compatible:ftp://host/v1#m", "is not an http(s) address")]
    [InlineData("openai-compatible:http://127.0.0.1:1/v1", "needs a base address and a model")]
    [InlineData("llama:/models/x.gguf", "/models/x.gguf' does not exist")]
    [InlineData("carrier-pigeon:x", "not a known model spec")]
    [InlineData("scripted:/nonexistent.jsonl", "does not exist")]
    public async Task Unknown_or_unavailable_models_exit_2(string lm, string expected)
    {
        var (code, _, stderr) = await CliRunner.RunAsync("run", "-s", "q -> a", "-i", "{\"q\": \"x\"}", "--lm", lm, "--no-cache");
        Assert.Equal(2, code);
        Assert.Contains(expected, stderr);
    }

    [Fact]
    public async Task Missing_input_exits_2()
    {
        var lm = Answers("{\"a\": \"x\"}");
        var (code, _, stderr) = await CliRunner.RunAsync("run", "-s", "q, r -> a", "-i", "{\"q\": \"x\"}", "--lm", "scripted:" + lm, "--no-cache");
        Assert.Equal(2, code);
        Assert.Contains("Input 'r'", stderr);
    }

    [Fact]
    public async Task Cached_answers_need_no_model_and_rollout_ids_miss()
    {
        var cache = Path.Combine(folder, "cache.db");
        var lm = Answers("{\"answer\": \"first\"}", "{\"answer\": \"second\"}");
        string[] Args(string model, params string[] extra) =>
            ["run", "-s", "question -> answer", "-i", "{\"question\": \"q\"}", "--lm", model, "--cache", cache, .. extra];

        Assert.Equal("first", JsonNode.Parse((await CliRunner.RunAsync(Args("scripted:" + lm))).Stdout)!["answer"]!.GetValue<string>());
        var empty = Answers();
        var again = await CliRunner.RunAsync(Args("scripted:" + empty));
        Assert.Equal(0, again.Code);
        Assert.Equal("first", JsonNode.Parse(again.Stdout)!["answer"]!.GetValue<string>());
        var newRollout = await CliRunner.RunAsync(Args("scripted:" + empty, "--rollout-id", "7"));
        Assert.Equal(1, newRollout.Code);
        var noCache = await CliRunner.RunAsync(Args("scripted:" + empty, "--no-cache"));
        Assert.Equal(1, noCache.Code);
    }

    [Fact]
    public async Task Two_processes_write_one_cache_at_once()
    {
        var cache = Path.Combine(folder, "shared.db");
        const int Count = 12;
        var lines = Enumerable.Range(0, Count).Select(i => $"{{\"answer\": \"a{i}\"}}").ToArray();
        var processes = new[] { 0, 1 }.Select(p =>
        {
            // Each process answers its own questions, all through one cache file.
            var script = Path.Combine(folder, $"batch-{p}.sh");
            var lm = Answers(lines);
            var commands = Enumerable.Range(0, Count).Select(i =>
                $"dotnet '{Path.Combine(AppContext.BaseDirectory, "declarative.dll")}' run -s 'question -> answer' -i '{{\"question\": \"p{p} q{i}\"}}' --lm 'scripted:{lm}' --cache '{cache}' || exit 1");
            File.WriteAllText(script, string.Join("\n", commands) + "\n");
            var info = new System.Diagnostics.ProcessStartInfo("bash", script) { RedirectStandardOutput = true, RedirectStandardError = true };
            return System.Diagnostics.Process.Start(info)!;
        }).ToArray();
        foreach (var process in processes)
        {
            var err = await process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            Assert.True(process.ExitCode == 0, err);
        }

        using var store = new Declarative.Pipeline.SqliteChatCache(cache);
        Assert.Equal(2L * Count, await store.CountAsync());

        // Every answer is now served from the cache, with no model at all.
        var empty = Answers();
        for (var i = 0; i < Count; i += 5)
        {
            var (code, stdout, stderr) = await CliRunner.RunAsync("run", "-s", "question -> answer", "-i", $"{{\"question\": \"p1 q{i}\"}}", "--lm", "scripted:" + empty, "--cache", cache);
            Assert.True(code == 0, stderr);
            Assert.Equal("a0", JsonNode.Parse(stdout)!["answer"]!.GetValue<string>());
        }
    }
}
