using Declarative.Pipeline;
using Microsoft.Extensions.AI;

namespace Declarative.Optimizers.Tests;

public sealed class MiproTests
{
    private static readonly Metric Exact = Metrics.ExactMatch("answer");

    private static SyntheticTaskClient Client(string? key = null) =>
        new("Be brief.", "Think step by step.", SyntheticTaskClient.Magic, "Answer politely.") { KeyQuestion = key };

    private static MiproOptions Manual(int candidates = 4, int trials = 12) =>
        new() { Auto = null, NumCandidates = candidates, NumTrials = trials, TpeStartupTrials = 3, MaxParallelism = 4 };

    private static Task<OptimizationResult<Predict>> OptimizeAsync(MiproOptions options, IChatClient client, IReadOnlyList<Example> trainset, IReadOnlyList<Example>? valset) =>
        new MiproV2(Exact, options).OptimizeAsync(new Predict("question -> answer"), trainset, valset, Optimizer.RunPredict, new RunContext(client), new OptimizationRun());

    [Fact]
    public async Task Mipro_finds_the_proposed_instruction_that_makes_the_model_right()
    {
        var client = Client();
        var result = await OptimizeAsync(Manual(), client, SyntheticTaskClient.Examples(6), SyntheticTaskClient.Examples(6, 50));

        Assert.False(result.IsPartial);
        Assert.Equal(100, result.Score);
        Assert.Contains(SyntheticTaskClient.Magic, result.Program.Signature.Instructions, StringComparison.Ordinal);
        Assert.Equal(0, result.Candidates[0].Score); // the baseline
        Assert.Equal(1 + 12, result.Candidates.Count); // valset of 6 <= minibatch size: every trial is a full evaluation
        Assert.All(result.Candidates, c => Assert.True(c.FullEvaluation));
        // Grounded proposals: the dataset summary, program description, tip and demos reach the proposer.
        Assert.Contains(client.ProposalRequests, r => r.Contains("[[ ## program_structure ## ]]", StringComparison.Ordinal));
        Assert.Contains(client.ProposalRequests, r => r.Contains("[[ ## task_demos ## ]]", StringComparison.Ordinal) && r.Contains("question: q", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Mipro_finds_the_demo_set_that_makes_the_model_right()
    {
        // No instruction helps; the labeled demo set (set 1) holds the key example.
        var client = new SyntheticTaskClient("Be brief.", "Think step by step.") { KeyQuestion = "q1" };
        var result = await OptimizeAsync(Manual(3, 10), client, SyntheticTaskClient.Examples(2), SyntheticTaskClient.Examples(5, 50));

        Assert.Equal(100, result.Score);
        Assert.Contains(result.Program.Demos, d => Equals(d["question"], "q1"));
    }

    [Fact]
    public async Task Mipro_in_zero_shot_mode_searches_instructions_only()
    {
        var options = new MiproOptions { Auto = null, NumCandidates = 4, NumTrials = 8, TpeStartupTrials = 2, MaxBootstrappedDemos = 0, MaxLabeledDemos = 0 };
        var result = await OptimizeAsync(options, Client(), SyntheticTaskClient.Examples(4), SyntheticTaskClient.Examples(4, 50));

        Assert.Equal(100, result.Score);
        Assert.All(result.Candidates, c => Assert.Empty(c.State.Predictors["self"].Demos));
        Assert.All(result.Candidates.Skip(1), c => Assert.False(c.Details.ContainsKey("self.demos")));
    }

    [Fact]
    public async Task Mipro_scores_minibatches_and_fully_evaluates_the_best_average_every_few_trials()
    {
        var options = new MiproOptions { Auto = null, NumCandidates = 4, NumTrials = 4, TpeStartupTrials = 2, MinibatchSize = 3, MinibatchFullEvalSteps = 2 };
        var result = await OptimizeAsync(options, Client(), SyntheticTaskClient.Examples(4), SyntheticTaskClient.Examples(10, 50));

        // baseline, trial 1, trial 2, full eval, trial 3, trial 4, full eval
        Assert.Equal(["baseline", "trial 1", "trial 2", "full evaluation after trial 2", "trial 3", "trial 4", "full evaluation after trial 4"], result.Candidates.Select(c => c.Label));
        Assert.Equal([true, false, false, true, false, false, true], result.Candidates.Select(c => c.FullEvaluation));
        Assert.True(result.Candidates.Where(c => c.FullEvaluation).Max(c => c.Score) == result.Score);
    }

    [Fact]
    public async Task Mipro_light_sets_the_counts_as_dspy_and_splits_the_training_set()
    {
        var client = Client();
        var result = await OptimizeAsync(new MiproOptions { TpeStartupTrials = 3 }, client, SyntheticTaskClient.Examples(10), null);

        // One predictor, few-shot: n = 6, 3 instructions, trials = int(max(2 * 2 * log2 6, 9)) = 10; valset 8 (80%).
        Assert.Equal(1 + 10, result.Candidates.Count);
        Assert.All(result.Candidates.Skip(1), c => Assert.InRange(int.Parse(c.Details["self.instruction"]), 0, 2));
        Assert.All(result.Candidates.Skip(1), c => Assert.InRange(int.Parse(c.Details["self.demos"]), 0, 5));
        // The 2 training examples fit one data batch: observations, summary, program description, 2 instructions.
        Assert.Equal(5, client.ProposalCalls);
    }

    [Fact]
    public async Task Mipro_with_the_same_seed_produces_the_same_program_and_candidate_table()
    {
        async Task<(string, string)> OnceAsync()
        {
            var result = await OptimizeAsync(Manual(), Client(), SyntheticTaskClient.Examples(6), SyntheticTaskClient.Examples(6, 50));
            return (ProgramState.Capture(result.Program).ToJson(), CoproTests.Table(result.Candidates));
        }

        Assert.Equal(await OnceAsync(), await OnceAsync());
    }

    [Fact]
    public async Task Mipro_stopped_by_a_budget_returns_the_best_program_so_far_marked_partial()
    {
        var budget = new ChatClientBuilder(Client()).UseBudget(new BudgetOptions { MaxCalls = 40 }).Build();
        var result = await OptimizeAsync(Manual(), budget, SyntheticTaskClient.Examples(6), SyntheticTaskClient.Examples(6, 50));

        Assert.True(result.IsPartial);
        Assert.NotEmpty(result.Candidates);
        Assert.True(result.Candidates.Count < 13);
        Assert.Equal(result.Candidates.Max(c => c.Score), result.Score);
    }

    [Fact]
    public void Mipro_rejects_conflicting_settings()
    {
        Assert.Throws<ArgumentException>(() => new MiproV2(Exact, new MiproOptions { NumTrials = 5 }));
        Assert.Throws<ArgumentException>(() => new MiproV2(Exact, new MiproOptions { Auto = null, NumCandidates = 5 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new MiproV2(Exact, new MiproOptions { MinibatchSize = 0 }));
    }
}
