using Declarative.Testing;

namespace Declarative.Optimizers.Tests;

public class RandomSearchTests
{
    private const string Key = "q5";

    private static readonly Metric Exact = Metrics.ExactMatch();

    private static readonly List<Example> Valset = [Example.Of(("question", "v"), ("answer", "gold")).WithInputs("question")];

    private static List<Example> Trainset(int n) =>
        Enumerable.Range(0, n).Select(i => Example.Of(("question", $"q{i}"), ("answer", $"a{i}")).WithInputs("question")).ToList();

    private static ScriptedChatClient RightAnswers(int n)
    {
        var client = new ScriptedChatClient();
        for (var i = n - 1; i >= 0; i--)
        {
            client.When($"[[ ## question ## ]]\nq{i}\n", ("answer", $"a{i}"));
        }

        return client;
    }

    /// <summary>
    /// The scripted model answers training questions right (so they bootstrap); the validation question is answered
    /// right only by a program holding the demo for <see cref="Key"/>.
    /// </summary>
    private static Func<Predict, Example, RunContext, CancellationToken, Task<Prediction>> Run(Action? onValidation = null) =>
        (predict, example, context, ct) =>
        {
            if (!Equals(example["question"], "v"))
            {
                return Optimizer.RunPredict(predict, example, context, ct);
            }

            onValidation?.Invoke();
            var right = predict.Demos.Any(d => Equals(d["question"], Key));
            return Task.FromResult(Answer(right ? "gold" : "wrong"));
        };

    private static Prediction Answer(string answer) =>
        new(new Dictionary<string, object?> { ["answer"] = answer }, answer, "test", null);

    private static BootstrapFewShotWithRandomSearch Optimizer8(double? stopAtScore = null) =>
        new(Exact, new RandomSearchOptions { MaxBootstrappedDemos = 1, MaxLabeledDemos = 0, NumCandidatePrograms = 8, StopAtScore = stopAtScore, MaxParallelism = 1 });

    [Fact]
    public async Task Finds_the_one_demo_set_that_makes_the_model_right_and_returns_it()
    {
        var student = new Predict("question -> answer");

        var result = await Optimizer8().SearchAsync(student, Trainset(8), Valset, Run(), new RunContext(RightAnswers(8)));

        Assert.Equal(11, result.Candidates.Count);
        Assert.Equal([-3, -2, -1, 0, 1, 2, 3, 4, 5, 6, 7], result.Candidates.Select(c => c.Seed));
        Assert.Equal(0, result.Candidates[0].Score); // zero-shot student
        Assert.Equal(100, result.BestScore);
        Assert.Contains(result.BestProgram.Demos, d => Equals(d["question"], Key));
        var winner = result.Candidates.First(c => c.Score == 100);
        Assert.Same(winner.Program, result.BestProgram); // ties go to the first
        Assert.True(winner.Seed >= 0);
        Assert.Equal(1, winner.DemoCounts["self"]);
        Assert.Equal(0, result.Candidates[0].DemoCounts["self"]);
        Assert.Empty(student.Demos);
    }

    [Fact]
    public async Task The_same_seed_gives_the_same_best_program_and_table()
    {
        var trainset = Trainset(8);
        var first = await Optimizer8().SearchAsync(new Predict("question -> answer"), trainset, Valset, Run(), new RunContext(RightAnswers(8)));
        var second = await Optimizer8().SearchAsync(new Predict("question -> answer"), trainset, Valset, Run(), new RunContext(RightAnswers(8)));

        Assert.Equal(first.BestProgram.Demos.Select(d => d["question"]), second.BestProgram.Demos.Select(d => d["question"]));
        Assert.Equal(first.Candidates.Select(c => (c.Seed, c.Score)), second.Candidates.Select(c => (c.Seed, c.Score)));
        Assert.Equal(
            first.Candidates.Select(c => string.Join(",", c.Program.Demos.Select(d => d["question"]))),
            second.Candidates.Select(c => string.Join(",", c.Program.Demos.Select(d => d["question"]))));
    }

    [Fact]
    public async Task StopAtScore_ends_the_search_at_the_first_good_enough_candidate()
    {
        var evaluations = 0;
        var result = await Optimizer8(stopAtScore: 100).SearchAsync(
            new Predict("question -> answer"), Trainset(8), Valset, Run(() => Interlocked.Increment(ref evaluations)), new RunContext(RightAnswers(8)));

        Assert.True(result.Candidates.Count < 11);
        Assert.Equal(result.Candidates.Count, evaluations);
        Assert.Equal(100, result.Candidates[^1].Score);
        Assert.All(result.Candidates.SkipLast(1), c => Assert.Equal(0, c.Score));
    }

    [Fact]
    public async Task CompileAsync_scores_on_the_trainset_by_default_and_returns_a_new_program()
    {
        var student = new Predict("question -> answer");
        var optimizer = new BootstrapFewShotWithRandomSearch(Exact, new RandomSearchOptions { NumCandidatePrograms = 2, MaxLabeledDemos = 2 });

        var compiled = await optimizer.CompileAsync(student, Trainset(3), new RunContext(RightAnswers(3)));

        Assert.NotSame(student, compiled);
        Assert.Empty(student.Demos);
    }

    [Fact]
    public void Options_are_validated_when_the_optimizer_is_built()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new BootstrapFewShotWithRandomSearch(Exact, new RandomSearchOptions { MaxBootstrappedDemos = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new BootstrapFewShotWithRandomSearch(Exact, new RandomSearchOptions { NumCandidatePrograms = -1 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new BootstrapFewShotWithRandomSearch(Exact, new RandomSearchOptions { StopAtScore = double.NaN }));
    }
}
