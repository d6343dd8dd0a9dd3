using Declarative.Pipeline;
using Declarative.Testing;
using Microsoft.Extensions.AI;

namespace Declarative.Optimizers.Tests;

/// <summary>BootstrapFewShotWithRandomSearch and the few-shot optimizers inside an <see cref="OptimizationRun"/>.</summary>
public sealed class RandomSearchRunTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("declarative-search-run-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    private static List<Example> Trainset(int n) =>
        Enumerable.Range(0, n).Select(i => Example.Of(("question", $"q{i}"), ("answer", $"a{i}")).WithInputs("question")).ToList();

    /// <summary>Right on even questions, wrong on odd ones.</summary>
    private static ScriptedChatClient Scripted(int n)
    {
        var client = new ScriptedChatClient();
        for (var i = n - 1; i >= 0; i--)
        {
            client.When($"[[ ## question ## ]]\nq{i}\n", ("answer", i % 2 == 0 ? $"a{i}" : "wrong"));
        }

        return client;
    }

    private static BootstrapFewShotWithRandomSearch Search() =>
        new(Metrics.ExactMatch(), new RandomSearchOptions { MaxBootstrappedDemos = 2, MaxLabeledDemos = 3, NumCandidatePrograms = 4, MaxParallelism = 2, Seed = 5 });

    [Fact]
    public async Task Each_seed_is_a_candidate_with_index_seed_plus_three_and_the_result_is_the_best()
    {
        var run = new OptimizationRun();
        var result = await Search().OptimizeAsync(new Predict("question -> answer"), Trainset(8), null, Optimizer.RunPredict, new RunContext(Scripted(8)), run);

        Assert.False(result.IsPartial);
        Assert.Equal([0, 1, 2, 3, 4, 5, 6], result.Candidates.Select(c => c.Index));
        Assert.Equal(["seed -3", "seed -2", "seed -1", "seed 0", "seed 1", "seed 2", "seed 3"], result.Candidates.Select(c => c.Label));
        Assert.Equal("0", result.Candidates[0].Details["demos.self"]);
        Assert.Equal("3", result.Candidates[1].Details["demos.self"]);
        Assert.Equal(result.Candidates.Max(c => c.Score), result.Score);
        Assert.Equal(run.Best!.State.ToJson(), ProgramState.Capture(result.Program).ToJson());

        // The same search through SearchAsync finds the same program.
        var searched = await Search().SearchAsync(new Predict("question -> answer"), Trainset(8), null, Optimizer.RunPredict, new RunContext(Scripted(8)));
        Assert.Equal(ProgramState.Capture(searched.BestProgram).ToJson(), ProgramState.Capture(result.Program).ToJson());
        Assert.Equal(result.Candidates.Select(c => c.Score), searched.Candidates.Select(c => c.Score));
    }

    [Fact]
    public async Task An_interrupted_run_resumed_from_its_journal_makes_fewer_calls_and_ends_with_the_same_program()
    {
        var full = Scripted(8);
        var uninterrupted = await Search().OptimizeAsync(new Predict("question -> answer"), Trainset(8), null, Optimizer.RunPredict, new RunContext(full), new OptimizationRun());

        var journal = Path.Combine(folder, "run");
        using var stop = new CancellationTokenSource();
        var scored = 0;
        var first = Scripted(8);
        var interrupted = await OptimizationRun.OpenAsync(journal, "fp", resume: false, new Sync(e =>
        {
            if (e.Kind == OptimizationEventKind.CandidateScored && ++scored == 4)
            {
                stop.Cancel();
            }
        }));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            Search().OptimizeAsync(new Predict("question -> answer"), Trainset(8), null, Optimizer.RunPredict, new RunContext(first), interrupted, stop.Token));
        Assert.Equal(4, interrupted.Candidates.Count);

        var second = Scripted(8);
        var resumed = await Search().OptimizeAsync(new Predict("question -> answer"), Trainset(8), null, Optimizer.RunPredict, new RunContext(second),
            await OptimizationRun.OpenAsync(journal, "fp", resume: true, null));

        Assert.True(second.CallCount < full.CallCount);
        Assert.Equal(full.CallCount, first.CallCount + second.CallCount);
        Assert.Equal(ProgramState.Capture(uninterrupted.Program).ToJson(), ProgramState.Capture(resumed.Program).ToJson());
        Assert.Equal(uninterrupted.Candidates.Select(c => (c.Index, c.Score)), resumed.Candidates.Select(c => (c.Index, c.Score)));
    }

    [Fact]
    public async Task A_spent_call_budget_stops_the_run_with_the_best_candidate_so_far_marked_partial()
    {
        var scripted = Scripted(8);
        var client = new ChatClientBuilder(scripted).UseBudget(new BudgetOptions { MaxCalls = 12 }).Build();
        var result = await Search().OptimizeAsync(new Predict("question -> answer"), Trainset(8), null, Optimizer.RunPredict, new RunContext(client), new OptimizationRun());

        Assert.True(result.IsPartial);
        Assert.Contains("Calls budget", result.StopReason);
        Assert.Equal(12, scripted.CallCount);
        Assert.InRange(result.Candidates.Count, 1, 6);
        Assert.Equal(result.Candidates.Max(c => c.Score), result.Score);
    }

    [Fact]
    public async Task A_budget_spent_before_any_candidate_returns_the_unchanged_student()
    {
        var client = new ChatClientBuilder(Scripted(8)).UseBudget(new BudgetOptions { MaxCalls = 0 }).Build();
        var student = new Predict("question -> answer");
        var result = await Search().OptimizeAsync(student, Trainset(8), null, Optimizer.RunPredict, new RunContext(client), new OptimizationRun());

        Assert.True(result.IsPartial);
        Assert.Null(result.Score);
        Assert.Empty(result.Candidates);
        Assert.Equal(ProgramState.Capture(student).ToJson(), ProgramState.Capture(result.Program).ToJson());
    }

    [Fact]
    public async Task Few_shot_optimizers_work_through_the_base_OptimizeAsync()
    {
        var labeled = await new LabeledFewShot(new LabeledFewShotOptions { K = 2 })
            .OptimizeAsync(new Predict("question -> answer"), Trainset(4), null, Optimizer.RunPredict, new RunContext(Scripted(4)), new OptimizationRun());
        Assert.Equal(2, labeled.Program.Demos.Count);
        Assert.False(labeled.IsPartial);

        var bootstrapped = await new BootstrapFewShot(Metrics.ExactMatch(), new BootstrapFewShotOptions { MaxBootstrappedDemos = 2, MaxLabeledDemos = 2 })
            .OptimizeAsync(new Predict("question -> answer"), Trainset(4), null, Optimizer.RunPredict, new RunContext(Scripted(4)), new OptimizationRun());
        Assert.Equal(["q0", "q2"], bootstrapped.Program.Demos.Select(d => d["question"]));
    }

    [Fact]
    public async Task A_spent_budget_in_the_base_OptimizeAsync_returns_the_student_marked_partial()
    {
        var client = new ChatClientBuilder(Scripted(4)).UseBudget(new BudgetOptions { MaxCalls = 1 }).Build();
        var result = await new BootstrapFewShot(Metrics.ExactMatch(), new BootstrapFewShotOptions { MaxBootstrappedDemos = 2, MaxLabeledDemos = 0 })
            .OptimizeAsync(new Predict("question -> answer"), Trainset(4), null, Optimizer.RunPredict, new RunContext(client), new OptimizationRun());
        Assert.True(result.IsPartial);
        Assert.Empty(result.Program.Demos);
        Assert.Contains("Calls budget", result.StopReason);
    }

    [Theory]
    [InlineData(null)]
    [InlineData(40.0)]
    public async Task Candidates_scored_concurrently_give_the_same_table_and_program_as_one_after_another(double? stopAtScore)
    {
        RandomSearchOptions Options(int concurrent) => new()
        {
            MaxBootstrappedDemos = 2, MaxLabeledDemos = 3, NumCandidatePrograms = 6, MaxParallelism = 2, Seed = 5, StopAtScore = stopAtScore, MaxConcurrentCandidates = concurrent,
        };
        var sequential = await new BootstrapFewShotWithRandomSearch(Metrics.ExactMatch(), Options(1))
            .OptimizeAsync(new Predict("question -> answer"), Trainset(8), null, Optimizer.RunPredict, new RunContext(Scripted(8)), new OptimizationRun());
        var journal = Path.Combine(folder, "concurrent");
        var concurrent = await new BootstrapFewShotWithRandomSearch(Metrics.ExactMatch(), Options(4))
            .OptimizeAsync(new Predict("question -> answer"), Trainset(8), null, Optimizer.RunPredict, new RunContext(Scripted(8)),
                await OptimizationRun.OpenAsync(journal, "fp", resume: false, null));

        Assert.Equal(sequential.Candidates.Select(c => (c.Index, c.Score)), concurrent.Candidates.Select(c => (c.Index, c.Score)));
        Assert.Equal(ProgramState.Capture(sequential.Program).ToJson(), ProgramState.Capture(concurrent.Program).ToJson());
        if (stopAtScore is not null)
        {
            Assert.True(sequential.Candidates.Count < 9); // it did stop early
        }

        // Replaying the concurrent run's journal makes no calls and gives the same program.
        var replay = Scripted(8);
        var resumed = await new BootstrapFewShotWithRandomSearch(Metrics.ExactMatch(), Options(4))
            .OptimizeAsync(new Predict("question -> answer"), Trainset(8), null, Optimizer.RunPredict, new RunContext(replay),
                await OptimizationRun.OpenAsync(journal, "fp", resume: true, null));
        Assert.Equal(ProgramState.Capture(concurrent.Program).ToJson(), ProgramState.Capture(resumed.Program).ToJson());
        if (stopAtScore is null)
        {
            Assert.Equal(0, replay.CallCount);
        }
    }

    private sealed class Sync(Action<OptimizationEvent> report) : IProgress<OptimizationEvent>
    {
        public void Report(OptimizationEvent value) => report(value);
    }
}
