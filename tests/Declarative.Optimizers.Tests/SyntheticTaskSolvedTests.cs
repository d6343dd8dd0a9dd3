namespace Declarative.Optimizers.Tests;

/// <summary>
/// The search optimizers' common bar: on a synthetic task where one instruction (or one demo) makes the scripted model
/// right and everything else leaves it wrong, each finds a program that scores 100% on held-out examples.
/// </summary>
public sealed class SyntheticTaskSolvedTests
{
    private static readonly Metric Exact = Metrics.ExactMatch("answer");

    public static TheoryData<string> Optimizers => ["COPRO", "MIPROv2", "MIPROv2 zero-shot", "SIMBA", "GEPA", "BootstrapFewShotWithRandomSearch"];

    [Theory]
    [MemberData(nameof(Optimizers))]
    public async Task Every_search_optimizer_solves_the_synthetic_task(string name)
    {
        // The good instruction is one of several proposals; RandomSearch has no instructions, so a key demo does it.
        var client = new SyntheticTaskClient("Be brief.", "Think step by step.", SyntheticTaskClient.Magic, "Answer politely.")
        {
            KeyQuestion = name == "BootstrapFewShotWithRandomSearch" ? "q1" : null,
        };
        var context = new RunContext(client);
        var trainset = SyntheticTaskClient.Examples(8);
        var student = new Predict("question -> answer");
        var baseline = await new Evaluator().EvaluateAsync(student, context, SyntheticTaskClient.Examples(6, 100), Exact);
        Assert.Equal(0, baseline.Score);

        Predict program = name switch
        {
            "COPRO" => await new Copro(Exact, new CoproOptions { Breadth = 3, Depth = 2 }).CompileAsync(student, trainset, context),
            "MIPROv2" => await new MiproV2(Exact, new MiproOptions { Auto = null, NumCandidates = 4, NumTrials = 10, TpeStartupTrials = 4 }).CompileAsync(student, trainset, context),
            "MIPROv2 zero-shot" => await new MiproV2(Exact, new MiproOptions { Auto = null, NumCandidates = 4, NumTrials = 8, TpeStartupTrials = 3, MaxBootstrappedDemos = 0, MaxLabeledDemos = 0 }).CompileAsync(student, trainset, context),
            "SIMBA" => await new Simba(Exact, new SimbaOptions { BatchSize = 4, NumCandidates = 4, MaxSteps = 3 }).CompileAsync(student, trainset, context),
            "GEPA" => await new Gepa(GepaTests.WithFeedback, new GepaOptions { Auto = null, MaxMetricCalls = 80 }).CompileAsync(student, trainset, context),
            _ => await new BootstrapFewShotWithRandomSearch(Exact, new RandomSearchOptions { NumCandidatePrograms = 2, MaxParallelism = 4 }).CompileAsync(student, trainset, context),
        };

        var devset = await new Evaluator().EvaluateAsync(program, context, SyntheticTaskClient.Examples(6, 100), Exact);
        Assert.Equal(100, devset.Score);
    }
}
