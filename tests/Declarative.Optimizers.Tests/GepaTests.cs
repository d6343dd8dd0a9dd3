using Declarative.Pipeline;
using Microsoft.Extensions.AI;

namespace Declarative.Optimizers.Tests;

public sealed class GepaTests
{
    /// <summary>Exact match with textual feedback, as GEPA's metrics give.</summary>
    internal static readonly Metric WithFeedback = (example, prediction, _) =>
    {
        var right = Equals(prediction["answer"], example["answer"]);
        return ValueTask.FromResult(new MetricResult(right ? 1 : 0, right ? "Correct." : $"Wrong: the expected answer was {example["answer"]}."));
    };

    private static Task<OptimizationResult<Predict>> OptimizeAsync(GepaOptions options, IChatClient client) =>
        new Gepa(WithFeedback, options).OptimizeAsync(new Predict("question -> answer"), SyntheticTaskClient.Examples(6), SyntheticTaskClient.Examples(4, 50), Optimizer.RunPredict, new RunContext(client), new OptimizationRun());

    [Fact]
    public async Task Gepa_reflects_on_feedback_and_finds_the_instruction_that_makes_the_model_right()
    {
        var client = new SyntheticTaskClient("Be brief.", "Think step by step.", SyntheticTaskClient.Magic);
        var result = await OptimizeAsync(new GepaOptions { Auto = null, MaxMetricCalls = 60 }, client);

        Assert.False(result.IsPartial);
        Assert.Equal(100, result.Score);
        Assert.Contains(SyntheticTaskClient.Magic, result.Program.Signature.Instructions, StringComparison.Ordinal);
        Assert.Equal("seed", result.Candidates[0].Label);
        Assert.Contains(client.ProposalRequests, r => r.Contains("### Feedback\nWrong: the expected answer was a", StringComparison.Ordinal)
            && r.Contains("### Generated outputs\nanswer: wrong", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Gepa_stops_when_the_metric_call_budget_is_spent()
    {
        var client = new SyntheticTaskClient("Be brief.");
        var result = await OptimizeAsync(new GepaOptions { Auto = null, MaxMetricCalls = 20 }, client);

        // Seed: 4 validation runs; each iteration: 3 parent + 3 child runs; "Be brief." never beats the parent.
        Assert.Equal(4 + (3 * 6), client.TaskCalls);
        Assert.Single(result.Candidates, c => c.FullEvaluation);
    }

    [Fact]
    public void Gepa_auto_budget_follows_dspy()
    {
        // One predictor, light: n = 6, trials = max(2 log2 6, 9) = 9, full evaluations (9 + 1) / 5 + 1 = 3.
        Assert.Equal(10 + 30 + (35 * 9) + (3 * 10), new Gepa(WithFeedback).Budget(1, 20, 10));
        Assert.Equal(3 * 30, new Gepa(WithFeedback, new GepaOptions { Auto = null, MaxFullEvals = 3 }).Budget(1, 20, 10));
        Assert.Throws<ArgumentException>(() => new Gepa(WithFeedback, new GepaOptions { MaxMetricCalls = 5 }));
        Assert.Throws<ArgumentException>(() => new Gepa(WithFeedback, new GepaOptions { Auto = null }));
    }

    [Fact]
    public async Task Gepa_with_the_same_seed_produces_the_same_program_and_candidate_table()
    {
        async Task<(string, string)> OnceAsync()
        {
            var result = await OptimizeAsync(new GepaOptions { Auto = null, MaxMetricCalls = 60 }, new SyntheticTaskClient("Be brief.", "Think step by step.", SyntheticTaskClient.Magic));
            return (ProgramState.Capture(result.Program).ToJson(), CoproTests.Table(result.Candidates));
        }

        Assert.Equal(await OnceAsync(), await OnceAsync());
    }

    [Fact]
    public async Task Gepa_stopped_by_a_budget_returns_the_best_program_so_far_marked_partial()
    {
        var budget = new ChatClientBuilder(new SyntheticTaskClient("Be brief.", SyntheticTaskClient.Magic)).UseBudget(new BudgetOptions { MaxCalls = 4 + 3 + 1 + 3 + 2 }).Build();
        var result = await OptimizeAsync(new GepaOptions { Auto = null, MaxMetricCalls = 100 }, budget);

        Assert.True(result.IsPartial);
        Assert.Equal(0, result.Score); // only the seed was fully evaluated
        Assert.Equal(2, result.Candidates.Count);
    }

    [Fact]
    public void Pareto_front_keeps_candidates_that_lead_somewhere_and_samples_by_lead_count()
    {
        double[][] scores =
        [
            [0, 0, 0, 0], // leads nowhere
            [1, 1, 0, 0], // leads examples 0 and 1
            [1, 0, 1, 1], // leads 0, 2 and 3
            [1, 0, 0, 0], // leads only example 0, which 1 and 2 lead too: dominated
        ];
        var front = ParetoFront.Front(scores);
        Assert.Equal([(1, 2), (2, 3)], front);

        var random = new Random(1);
        var draws = Enumerable.Range(0, 5000).Select(_ => ParetoFront.Sample(random, scores)).ToList();
        Assert.DoesNotContain(0, draws);
        Assert.DoesNotContain(3, draws);
        Assert.InRange(draws.Count(d => d == 2) / 5000.0, 0.55, 0.65); // 3 of 5 leads
    }
}
