using Declarative.Pipeline;
using Microsoft.Extensions.AI;

namespace Declarative.Optimizers.Tests;

public sealed class SimbaTests
{
    private static readonly Metric Exact = Metrics.ExactMatch("answer");

    private static SimbaOptions Small(int maxDemos = 0) => new() { BatchSize = 4, NumCandidates = 3, MaxSteps = 2, MaxDemos = maxDemos, MaxParallelism = 4 };

    private static Task<OptimizationResult<Predict>> OptimizeAsync(SimbaOptions options, IChatClient client, int train = 6) =>
        new Simba(Exact, options).OptimizeAsync(new Predict("question -> answer"), SyntheticTaskClient.Examples(train), null, Optimizer.RunPredict, new RunContext(client), new OptimizationRun());

    [Fact]
    public async Task Simba_appends_a_rule_that_makes_the_model_right()
    {
        var client = new SyntheticTaskClient("Be brief.", SyntheticTaskClient.Magic);
        var result = await OptimizeAsync(Small(), client);

        Assert.False(result.IsPartial);
        Assert.Equal(100, result.Score);
        Assert.Contains(SyntheticTaskClient.Magic, result.Program.Signature.Instructions, StringComparison.Ordinal);
        Assert.All(result.Candidates.Where(c => !c.FullEvaluation), c => Assert.Equal("append_a_rule", c.Details["strategy"]));
        Assert.Contains(result.Candidates, c => c.FullEvaluation && c.Label == "final, program 0"); // the baseline is always a finalist
        // The advice request compares a better and a worse trajectory.
        Assert.Contains(client.ProposalRequests, r => r.Contains("[[ ## better_trajectory ## ]]", StringComparison.Ordinal) && r.Contains("final outputs: answer = wrong", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Simba_appends_the_best_trajectory_as_demos()
    {
        // Right only when sampled at temperature 1: buckets then hold good and bad trajectories of the same example.
        var client = new SyntheticTaskClient("Be brief.") { RightWhenSampled = true };
        var result = await OptimizeAsync(Small(maxDemos: 4), client);

        var withDemos = result.Candidates.Where(c => c.Details.TryGetValue("strategy", out var s) && s == "append_a_demo").ToList();
        Assert.NotEmpty(withDemos);
        Assert.All(withDemos, c => Assert.All(c.State.Predictors["self"].Demos, d => Assert.Equal("a" + ((string)d["question"]!)[1..], d["answer"])));
        Assert.Contains(withDemos, c => c.State.Predictors["self"].Demos.Count > 0);
    }

    [Fact]
    public async Task Simba_with_the_same_seed_produces_the_same_program_and_candidate_table()
    {
        async Task<(string, string)> OnceAsync()
        {
            var result = await OptimizeAsync(Small(maxDemos: 2), new SyntheticTaskClient("Be brief.", SyntheticTaskClient.Magic) { RightWhenSampled = true });
            return (ProgramState.Capture(result.Program).ToJson(), CoproTests.Table(result.Candidates));
        }

        Assert.Equal(await OnceAsync(), await OnceAsync());
    }

    [Fact]
    public async Task Simba_stopped_by_a_budget_returns_the_best_program_so_far_marked_partial()
    {
        // Step 0: 12 trajectories, 3 advice calls, 3 candidates x 4 examples = 27 calls; the budget ends in step 1.
        var budget = new ChatClientBuilder(new SyntheticTaskClient("Be brief.", SyntheticTaskClient.Magic)).UseBudget(new BudgetOptions { MaxCalls = 30 }).Build();
        var result = await OptimizeAsync(Small(), budget);

        Assert.True(result.IsPartial);
        Assert.Equal(3, result.Candidates.Count);
        Assert.Equal(result.Candidates.Max(c => c.Score), result.Score);
        Assert.Equal(100, result.Score);
    }

    [Fact]
    public async Task Simba_needs_a_training_set_as_large_as_a_batch()
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() => OptimizeAsync(Small(), new SyntheticTaskClient("x"), train: 3));
        Assert.Contains("BatchSize", error.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => new Simba(Exact, new SimbaOptions { TemperatureForSampling = 0 }));
    }
}
