using Declarative.Pipeline;
using Microsoft.Extensions.AI;

namespace Declarative.Optimizers.Tests;

public sealed class CoproTests
{
    private static readonly Metric Exact = Metrics.ExactMatch("answer");

    private static SyntheticTaskClient Client() => new("Be brief.", "Think step by step.", SyntheticTaskClient.Magic, "Answer politely.");

    [Fact]
    public async Task Copro_finds_the_instruction_that_makes_the_model_right()
    {
        var client = Client();
        var result = await new Copro(Exact, new CoproOptions { Breadth = 3, Depth = 2 })
            .OptimizeAsync(new Predict("question -> answer"), SyntheticTaskClient.Examples(6), null, Optimizer.RunPredict, new RunContext(client), new OptimizationRun());

        Assert.False(result.IsPartial);
        Assert.Equal(100, result.Score);
        Assert.Contains(SyntheticTaskClient.Magic, result.Program.Signature.Instructions, StringComparison.Ordinal);
        Assert.Equal(100, (await new Evaluator().EvaluateAsync(result.Program, new RunContext(client), SyntheticTaskClient.Examples(5, 100), Exact)).Score);
        // Depth 0: the original and 2 proposals ("Be brief.", "Think step by step."), both wrong; depth 1 proposes from
        // the scored history and reaches the magic instruction.
        Assert.Equal(0, result.Candidates[0].Score);
        Assert.Contains(result.Candidates, c => c.Details["depth"] == "1" && c.Score == 100);
        Assert.Contains(client.ProposalRequests, r => r.Contains("Resulting score #3: 0", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Copro_searches_each_predictor_of_a_program()
    {
        var client = Client();
        var result = await new Copro(Exact, new CoproOptions { Breadth = 4, Depth = 1 })
            .OptimizeAsync(new TwoStep(), SyntheticTaskClient.Examples(4), null, TwoStep.Run, new RunContext(client), new OptimizationRun());

        Assert.Equal(100, result.Score);
        Assert.Equal(2 * 4, result.Candidates.Count);
        Assert.Equal(["first", "second"], result.Candidates.Select(c => c.Details["predictor"]).Distinct());
    }

    [Fact]
    public async Task Copro_with_the_same_settings_produces_the_same_program_and_candidate_table()
    {
        async Task<(string Json, string Table)> OnceAsync()
        {
            var result = await new Copro(Exact, new CoproOptions { Breadth = 3, Depth = 2, MaxParallelism = 3 })
                .OptimizeAsync(new Predict("question -> answer"), SyntheticTaskClient.Examples(5), null, Optimizer.RunPredict, new RunContext(Client()), new OptimizationRun());
            return (ProgramState.Capture(result.Program).ToJson(), Table(result.Candidates));
        }

        var first = await OnceAsync();
        Assert.Equal(first, await OnceAsync());
    }

    [Fact]
    public async Task Copro_stopped_by_a_budget_returns_the_best_program_so_far_marked_partial()
    {
        // 1 proposal request (n = 2: 2 calls), then 4 calls per scored candidate: the budget runs out in the third.
        var budget = new ChatClientBuilder(Client()).UseBudget(new BudgetOptions { MaxCalls = 2 + (4 * 2) + 1 }).Build();
        var result = await new Copro(Exact, new CoproOptions { Breadth = 3, Depth = 2, MaxParallelism = 1 })
            .OptimizeAsync(new Predict("question -> answer"), SyntheticTaskClient.Examples(4), null, Optimizer.RunPredict, new RunContext(budget), new OptimizationRun());

        Assert.True(result.IsPartial);
        Assert.NotNull(result.StopReason);
        Assert.Equal(2, result.Candidates.Count);
        Assert.Equal(ProgramState.Capture(result.Program).ToJson(), result.Candidates[0].State.ToJson());
    }

    [Fact]
    public void Copro_rejects_settings_out_of_range()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new Copro(Exact, new CoproOptions { Breadth = 1 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Copro(Exact, new CoproOptions { Depth = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Copro(Exact, new CoproOptions { InitTemperature = double.NaN }));
    }

    internal static string Table(IEnumerable<OptimizationCandidate> candidates) => string.Join(
        "\n",
        candidates.Select(c => $"{c.Index}|{c.Label}|{c.Score}|{c.FullEvaluation}|{string.Join(",", c.Details.Select(d => $"{d.Key}={d.Value}"))}|{c.State.ToJson()}"));

    /// <summary>Two predictors: the second answers again when the first answered wrong.</summary>
    internal sealed class TwoStep : Module
    {
        public Predict First { get; init; } = new("question -> answer") { Name = "first" };

        public Predict Second { get; init; } = new("question -> answer") { Name = "second" };

        public static async Task<Prediction> Run(TwoStep program, Example example, RunContext context, CancellationToken ct)
        {
            var first = await program.First.InvokeAsync(example.Inputs(), context, null, ct);
            if ((string)first["answer"]! != "wrong")
            {
                return first;
            }

            return await program.Second.InvokeAsync(example.Inputs(), context, null, ct);
        }
    }
}
