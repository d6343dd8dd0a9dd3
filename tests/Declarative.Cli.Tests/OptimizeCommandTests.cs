using System.Text.Json.Nodes;

namespace Declarative.Cli.Tests;

/// <summary><c>declarative optimize</c> in process, against the loopback server.</summary>
public sealed class OptimizeCommandTests
{
    private static JsonNode LastLine(string stdout) => JsonNode.Parse(stdout.Trim().Split('\n')[^1])!;

    [Fact]
    public async Task Writes_the_program_the_report_folder_and_a_last_json_line()
    {
        await using var f = new OptimizeFixture();
        var (code, stdout, stderr) = await CliRunner.RunAsync([.. f.Args("program")]);
        Assert.True(code == 0, stderr);

        var last = LastLine(stdout);
        Assert.False(last["partial"]!.GetValue<bool>());
        Assert.Equal(f.PathOf("program.json"), last["out"]!.GetValue<string>());
        Assert.Equal(7, last["candidates"]!.GetValue<int>()); // 3 fixed + 4 shuffled (light)
        var run = f.PathOf("program.run");
        Assert.Equal(File.ReadAllText(f.PathOf("program.json")), File.ReadAllText(Path.Combine(run, "program.json")));
        var program = ProgramState.Parse(File.ReadAllText(f.PathOf("program.json")));
        Assert.NotEmpty(program.Predictors["self"].Demos);
        Assert.False(File.Exists(f.PathOf("program.json.partial")));

        var csv = File.ReadAllLines(Path.Combine(run, "candidates.csv"));
        Assert.Equal("index,label,score,full_evaluation,demos.self,max_bootstrapped", csv[0]);
        Assert.Equal(8, csv.Length);
        Assert.StartsWith("0,seed -3,", csv[1], StringComparison.Ordinal);
        var best = JsonNode.Parse(File.ReadAllText(Path.Combine(run, "candidates.json")))!.AsArray().Max(c => c!["score"]!.GetValue<double>());
        Assert.Equal(best, last["score"]!.GetValue<double>());

        var costs = JsonNode.Parse(File.ReadAllText(Path.Combine(run, "costs.json")))!;
        Assert.Equal(f.Server.Requests.Count, costs["calls"]!.GetValue<long>());
        Assert.True(costs["tokens"]!.GetValue<long>() > 0);
        var png = File.ReadAllBytes(Path.Combine(run, "scores.png"));
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], png[..4]);
        Assert.True(File.Exists(Path.Combine(run, "journal.jsonl")));
        Assert.Equal(7, stderr.Split('\n').Count(l => l.StartsWith("optimize: candidate ", StringComparison.Ordinal)));
        Assert.Contains("optimize: candidate 7/7 \"seed 3\"", stderr);
    }

    [Fact]
    public async Task Call_budget_stops_cleanly_with_a_partial_program_the_marker_and_exit_code_3()
    {
        await using var f = new OptimizeFixture();
        var (code, stdout, stderr) = await CliRunner.RunAsync([.. f.Args("budget", "cache.db", "--budget-calls", "10")]);
        Assert.Equal(3, code);
        var last = LastLine(stdout);
        Assert.True(last["partial"]!.GetValue<bool>());
        Assert.Contains("Calls budget", stderr);
        Assert.True(File.Exists(f.PathOf("budget.json")));
        var marker = JsonNode.Parse(File.ReadAllText(f.PathOf("budget.json.partial")))!;
        Assert.Contains("Calls budget", marker["stop_reason"]!.GetValue<string>());
        Assert.InRange(f.Server.Requests.Count, 1, 10);
        Assert.True(JsonNode.Parse(File.ReadAllText(f.PathOf("budget.run/costs.json")))!["partial"]!.GetValue<bool>());

        // Resuming with a larger budget finishes the run and removes the marker.
        var (again, _, stderr2) = await CliRunner.RunAsync([.. f.Args("budget", "cache.db", "--budget-calls", "1000", "--resume")]);
        Assert.True(again == 0, stderr2);
        Assert.False(File.Exists(f.PathOf("budget.json.partial")));
    }

    [Fact]
    public async Task Same_seed_and_warm_cache_rerun_makes_no_calls_and_writes_identical_bytes()
    {
        await using var f = new OptimizeFixture();
        var (code, _, stderr) = await CliRunner.RunAsync([.. f.Args("first")]);
        Assert.True(code == 0, stderr);
        var cold = f.Server.Requests.Count;
        Assert.True(cold > 0);

        var (code2, stdout2, stderr2) = await CliRunner.RunAsync([.. f.Args("second")]); // a new run folder: nothing replayed
        Assert.True(code2 == 0, stderr2);
        Assert.Equal(cold, f.Server.Requests.Count);
        Assert.Equal(0, LastLine(stdout2)["calls"]!.GetValue<long>());
        Assert.Equal(File.ReadAllBytes(f.PathOf("first.json")), File.ReadAllBytes(f.PathOf("second.json")));
    }

    [Fact]
    public async Task An_existing_journal_needs_resume_or_overwrite_and_a_changed_run_is_refused()
    {
        await using var f = new OptimizeFixture();
        Assert.Equal(0, (await CliRunner.RunAsync([.. f.Args("p")])).Code);

        var (code, _, stderr) = await CliRunner.RunAsync([.. f.Args("p")]);
        Assert.Equal(2, code);
        Assert.Contains("--resume", stderr);
        Assert.Contains("--overwrite", stderr);

        var (changed, _, stderr2) = await CliRunner.RunAsync([.. f.Args("p", "cache.db", "--resume", "--seed", "2")]);
        Assert.Equal(2, changed);
        Assert.Contains("different run", stderr2);

        var requests = f.Server.Requests.Count;
        var (resumed, stdout3, _) = await CliRunner.RunAsync([.. f.Args("p", "cache.db", "--resume")]);
        Assert.Equal(0, resumed);
        Assert.Equal(requests, f.Server.Requests.Count); // everything replayed from the journal
        Assert.Contains("(replayed)", (await CliRunner.RunAsync([.. f.Args("p", "cache.db", "--resume")])).Stderr);
        Assert.Equal(0, (await CliRunner.RunAsync([.. f.Args("p", "cache.db", "--overwrite")])).Code);
        Assert.False(LastLine(stdout3)["partial"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Few_shot_optimizers_write_a_program_without_candidates()
    {
        await using var f = new OptimizeFixture();
        var (code, stdout, stderr) = await CliRunner.RunAsync([.. f.Args("labeled", "cache.db", "--optimizer", "labeled")]);
        Assert.True(code == 0, stderr);
        Assert.Equal(0, LastLine(stdout)["candidates"]!.GetValue<int>());
        Assert.Null(LastLine(stdout)["score"]);
        Assert.Equal(4, ProgramState.Parse(File.ReadAllText(f.PathOf("labeled.json"))).Predictors["self"].Demos.Count); // K = 4 (light)
        Assert.Empty(f.Server.Requests);

        var (bootstrap, _, stderr2) = await CliRunner.RunAsync([.. f.Args("bootstrap", "cache.db", "--optimizer", "bootstrap", "--budget-calls", "2")]);
        Assert.Equal(3, bootstrap);
        Assert.Contains("larger --budget-calls", stderr2);
        Assert.Equal(2, f.Server.Requests.Count);
        Assert.Empty(ProgramState.Parse(File.ReadAllText(f.PathOf("bootstrap.json"))).Predictors["self"].Demos); // the student, unchanged
    }

    [Theory]
    [InlineData("--field", "answr", "--field 'answr' is not an output of the signature; its outputs are answer.")]
    [InlineData("--field", "question", "--field 'question' is not an output of the signature; its outputs are answer.")]
    [InlineData("--input-keys", "question,answer", "--input-keys: 'answer' is not an input of the signature; its inputs are question.")]
    public async Task Field_and_input_keys_are_checked_against_the_signature_before_anything_runs(string option, string value, string expected)
    {
        await using var f = new OptimizeFixture();
        var (code, stdout, stderr) = await CliRunner.RunAsync([.. f.Args("x", "cache.db", option, value)]);

        Assert.Equal(2, code);
        Assert.Equal("", stdout);
        Assert.Single(stderr.Trim().Split('\n'));
        Assert.EndsWith(expected, stderr.Trim(), StringComparison.Ordinal);
        Assert.Empty(f.Server.Requests);
        Assert.False(Directory.Exists(f.PathOf("x.run")));
    }

    [Fact]
    public async Task A_training_example_without_the_scored_label_is_refused_before_anything_runs()
    {
        await using var f = new OptimizeFixture();
        await File.AppendAllTextAsync(f.Trainset, "{\"question\": \"q without an answer\"}\n");
        var lines = File.ReadAllLines(f.Trainset).Count(l => l.Trim().Length > 0);
        var (code, stdout, stderr) = await CliRunner.RunAsync([.. f.Args("x")]);

        Assert.Equal(2, code);
        Assert.Equal("", stdout);
        Assert.EndsWith($"example {lines} has no label 'answer' to score against.", stderr.Trim(), StringComparison.Ordinal);
        Assert.Empty(f.Server.Requests);
        Assert.False(Directory.Exists(f.PathOf("x.run")));
    }

    [Fact]
    public async Task Bad_options_are_one_line_errors()
    {
        await using var f = new OptimizeFixture();
        Assert.Contains("not known; use labeled, bootstrap, random-search", (await CliRunner.RunAsync("optimize", "-s", "question -> answer", "--trainset", f.Trainset, "--lm", f.Lm, "--out", f.PathOf("x.json"), "--optimizer", "nope")).Stderr);
        Assert.Contains("--auto 'huge'", (await CliRunner.RunAsync([.. f.Args("x", "cache.db", "--auto", "huge")])).Stderr);
        Assert.Contains("--teacher-lm is not used", (await CliRunner.RunAsync([.. f.Args("x", "cache.db", "--optimizer", "copro", "--teacher-lm", f.Lm)])).Stderr);
        var (code, _, stderr) = await CliRunner.RunAsync("optimize", "--trainset", f.Trainset, "--lm", f.Lm, "--out", f.PathOf("x.json"));
        Assert.Equal(2, code);
        Assert.Contains("no program", stderr);
        Assert.Empty(f.Server.Requests);
    }
}
