namespace Declarative.Optimizers.Tests;

/// <summary>Proposals go to the prompt model when one is given; the task model then only runs the program.</summary>
public sealed class PromptModelTests
{
    private static readonly Metric Exact = Metrics.ExactMatch("answer");

    public static TheoryData<string> Optimizers => ["COPRO", "MIPROv2", "SIMBA", "GEPA"];

    [Theory]
    [MemberData(nameof(Optimizers))]
    public async Task Proposals_go_to_the_prompt_model_and_the_program_runs_on_the_task_model(string name)
    {
        var task = new SyntheticTaskClient("(the task model must not be asked for proposals)");
        var prompt = new SyntheticTaskClient("Be brief.", SyntheticTaskClient.Magic);
        var promptModel = new RunContext(prompt);
        Optimizer optimizer = name switch
        {
            "COPRO" => new Copro(Exact, new CoproOptions { Breadth = 3, Depth = 1, PromptModel = promptModel }),
            "MIPROv2" => new MiproV2(Exact, new MiproOptions { Auto = null, NumCandidates = 3, NumTrials = 6, TpeStartupTrials = 2, PromptModel = promptModel }),
            "SIMBA" => new Simba(Exact, new SimbaOptions { BatchSize = 4, NumCandidates = 3, MaxSteps = 2, MaxDemos = 0, PromptModel = promptModel }),
            _ => new Gepa(GepaTests.WithFeedback, new GepaOptions { Auto = null, MaxMetricCalls = 40, PromptModel = promptModel }),
        };

        var result = await optimizer.OptimizeAsync(new Predict("question -> answer"), SyntheticTaskClient.Examples(6), null, Optimizer.RunPredict, new RunContext(task), new OptimizationRun());

        Assert.Equal(100, result.Score);
        Assert.Equal(0, task.ProposalCalls);
        Assert.Equal(0, prompt.TaskCalls);
        Assert.True(prompt.ProposalCalls > 0);
        Assert.True(task.TaskCalls > 0);
    }

    [Fact]
    public async Task A_failing_program_is_scored_zero_and_its_errors_show_in_the_candidate_table()
    {
        static Task<Prediction> Broken(Predict predict, Example example, RunContext context, CancellationToken ct) =>
            Equals(example["question"], "q1") ? throw new InvalidOperationException("tool unavailable") : Optimizer.RunPredict(predict, example, context, ct);

        var result = await new Copro(Exact, new CoproOptions { Breadth = 2, Depth = 1 })
            .OptimizeAsync(new Predict("question -> answer"), SyntheticTaskClient.Examples(4), null, Broken, new RunContext(new SyntheticTaskClient(SyntheticTaskClient.Magic)), new OptimizationRun());

        Assert.Equal(75, result.Score);
        Assert.All(result.Candidates, c => Assert.Equal("1", c.Details["errors"]));
        Assert.All(result.Candidates, c => Assert.Equal("InvalidOperationException: tool unavailable", c.Details["first_error"]));
    }
}
