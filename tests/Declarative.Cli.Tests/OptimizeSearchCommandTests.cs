using System.Text.Json.Nodes;
using Declarative.Testing;

namespace Declarative.Cli.Tests;

/// <summary>The instruction-search optimizers through <c>declarative optimize</c>, against the loopback server.</summary>
public sealed class OptimizeSearchCommandTests
{
    /// <summary>
    /// Answers for the proposal signatures, most specific first (a proposal prompt names its fields in the system message;
    /// some field names also appear among another proposer's inputs).
    /// </summary>
    private static void ProposalRules(ScriptedChatClient scripted) => scripted
        .When("`proposed_prefix_for_output_field`", ("proposed_instruction", "Answer the question exactly."), ("proposed_prefix_for_output_field", "Answer:"))
        .When("`proposed_instruction`", ("proposed_instruction", "Answer the question exactly."))
        .When("`summary`", ("summary", "Short questions with short answers."))
        .When("`observations`", ("observations", "Questions are labels like q0."))
        .When("`program_description`", ("program_description", "Answers a question."))
        .When("`advice`", ("advice", "Copy the answer of the matching example."))
        .When("`new_instruction`", ("new_instruction", "Answer the question exactly."));

    [Theory]
    [InlineData("copro")]
    [InlineData("mipro")]
    [InlineData("simba")]
    [InlineData("gepa")]
    public async Task Each_search_optimizer_runs_end_to_end_and_reports_its_candidates(string optimizer)
    {
        await using var f = new OptimizeFixture(examples: 12, firstRules: ProposalRules);
        var (code, stdout, stderr) = await CliRunner.RunAsync([.. f.Args(optimizer, "cache.db", "--optimizer", optimizer)]);
        Assert.True(code == 0, stderr);
        var last = JsonNode.Parse(stdout.Trim().Split('\n')[^1])!;
        Assert.False(last["partial"]!.GetValue<bool>());
        Assert.True(last["candidates"]!.GetValue<int>() > 1, stdout);
        Assert.NotNull(last["score"]);
        var program = ProgramState.Parse(File.ReadAllText(f.PathOf(optimizer + ".json")));
        Assert.True(program.Predictors.ContainsKey("self"));
        var csv = File.ReadAllLines(Path.Combine(f.PathOf(optimizer + ".run"), "candidates.csv"));
        Assert.Equal(last["candidates"]!.GetValue<int>() + 1, csv.Length);
    }
}

/// <summary><c>--teacher-lm</c>: a second model writes the traces that become demos.</summary>
public sealed class OptimizeTeacherTests
{
    [Fact]
    public async Task The_teacher_model_bootstraps_the_demos_and_the_student_is_scored()
    {
        await using var f = new OptimizeFixture(examples: 8);
        var knowsAll = new ScriptedChatClient();
        for (var i = 0; i < 8; i++)
        {
            knowsAll.When($"[[ ## question ## ]]\nq{i}\n", ("answer", $"a{i}"));
        }

        await using var teacher = new OpenAiTestServer(knowsAll);
        var (code, stdout, stderr) = await CliRunner.RunAsync([.. f.Args("taught", "cache.db", "--optimizer", "bootstrap", "--teacher-lm", $"openai-compatible:{teacher.Endpoint}#teacher-model")]);
        Assert.True(code == 0, stderr);
        var demos = ProgramState.Parse(File.ReadAllText(f.PathOf("taught.json"))).Predictors["self"].Demos;
        // Four bootstrapped demos first; the student model alone answers only q0, q3 and q6, so demos for the other
        // questions can only have come from the teacher's traces.
        Assert.True(teacher.Requests.Count >= 4, $"teacher saw {teacher.Requests.Count} requests");
        var bootstrapped = demos.Take(4).Select(d => d["question"]!.ToString()).ToList();
        Assert.Contains("q1", bootstrapped);
        Assert.Contains("q2", bootstrapped);
        Assert.Empty(f.Server.Requests); // bootstrap scores nothing: the student model was never called
        Assert.Contains("\"partial\":false", stdout);
    }
}
