using Declarative.Optimizers;
using Microsoft.Extensions.AI;

namespace Declarative.Cli;

/// <summary>What every optimizer factory of <see cref="OptimizerRegistry"/> is given.</summary>
/// <param name="Metric">The metric (<c>--metric</c>).</param>
/// <param name="Seed">The seed (<c>--seed</c>, default 0).</param>
/// <param name="Auto">The effort: <c>light</c>, <c>medium</c> or <c>heavy</c> (<c>--auto</c>, default light).</param>
/// <param name="MaxParallelism">Examples run at once (<c>--max-parallelism</c>).</param>
/// <param name="Teacher">The teacher model's client (<c>--teacher-lm</c>), or null.</param>
/// <param name="ConcurrentCandidates">Candidates scored at once (<c>--max-concurrent-candidates</c>, default 1).</param>
/// <param name="TrainCount">How many training examples there are (SIMBA's minibatch is at most that many).</param>
internal sealed record OptimizerSettings(Metric Metric, int Seed, string Auto, int MaxParallelism, IChatClient? Teacher, int ConcurrentCandidates = 1, int TrainCount = int.MaxValue);

/// <summary>One <c>--optimizer</c> name.</summary>
/// <param name="Name">The name on the command line.</param>
/// <param name="Summary">One line for <c>--help</c> and errors.</param>
/// <param name="Create">Builds the optimizer.</param>
/// <param name="Candidates">How many candidates a run scores at most (for the progress bar), or null when unknown.</param>
/// <param name="UsesTeacher">Whether the optimizer uses <c>--teacher-lm</c>; passing it to one that does not is an error.</param>
/// <param name="Options">The settings the optimizer was built with, as text, for the run's fingerprint.</param>
/// <param name="ScoresCandidatesConcurrently">Whether the optimizer uses <c>--max-concurrent-candidates</c>; above 1 for one that does not is an error.</param>
internal sealed record OptimizerEntry(
    string Name,
    string Summary,
    Func<OptimizerSettings, Optimizer> Create,
    Func<OptimizerSettings, int?> Candidates,
    bool UsesTeacher,
    Func<OptimizerSettings, string> Options,
    bool ScoresCandidatesConcurrently = false);

/// <summary>
/// The <c>--optimizer</c> table: name → factory. Add an optimizer by adding one entry here (and nothing else in the
/// command). <c>--auto light|medium|heavy</c> picks the effort each factory maps to its own settings.
/// </summary>
internal static class OptimizerRegistry
{
    public static readonly IReadOnlyList<OptimizerEntry> All =
    [
        new("labeled", "LabeledFewShot: K labeled demos per predictor (K = 4/8/16 for light/medium/heavy); no LM calls",
            s => new LabeledFewShot(new LabeledFewShotOptions { K = Pick(s, 4, 8, 16), Seed = s.Seed }),
            _ => null, false, s => $"k={Pick(s, 4, 8, 16)}"),
        new("bootstrap", "BootstrapFewShot: demos from the program's own passing runs (4 bootstrapped, up to 4/8/16 in all)",
            s => new BootstrapFewShot(s.Metric, Bootstrap(s)),
            _ => null, true, s => $"bootstrapped=4;labeled={Pick(s, 4, 8, 16)}"),
        new("random-search", "BootstrapFewShotWithRandomSearch: 3 fixed + 4/8/16 shuffled bootstrap candidates, the best on the devset",
            s => new BootstrapFewShotWithRandomSearch(s.Metric, RandomSearch(s)),
            s => RandomSearch(s).NumCandidatePrograms + 3, true,
            s => $"candidates={RandomSearch(s).NumCandidatePrograms};bootstrapped=4;labeled={Pick(s, 4, 8, 16)}", ScoresCandidatesConcurrently: true),
        new("copro", "COPRO: instruction proposals scored on the trainset, breadth 4/6/10 x depth 2/3/3 per predictor",
            s => new Copro(s.Metric, CoproSettings(s)),
            _ => null, false, s => $"breadth={CoproSettings(s).Breadth};depth={CoproSettings(s).Depth}"),
        new("mipro", "MIPROv2: grounded instruction proposals x bootstrapped demo sets, TPE search with minibatches (DSPy's auto settings)",
            s => new MiproV2(s.Metric, new MiproOptions { Auto = Intensity(s), Seed = s.Seed, MaxParallelism = s.MaxParallelism, TeacherClient = s.Teacher }),
            _ => null, true, s => $"auto={s.Auto}"),
        new("simba", "SIMBA: minibatch trajectories (32 examples, fewer when the trainset is smaller), append-a-demo and append-a-rule, 4/8/12 steps",
            s => new Simba(s.Metric, new SimbaOptions { BatchSize = Math.Min(32, s.TrainCount), MaxSteps = Pick(s, 4, 8, 12), Seed = s.Seed, MaxParallelism = s.MaxParallelism }),
            _ => null, false, s => $"steps={Pick(s, 4, 8, 12)};batch={Math.Min(32, s.TrainCount)}"),
        new("gepa", "GEPA: reflective instruction proposals from traces and metric feedback, Pareto-front selection, merge (DSPy's auto budget)",
            s => new Gepa(s.Metric, new GepaOptions { Auto = Intensity(s), Seed = s.Seed, MaxParallelism = s.MaxParallelism }),
            _ => null, false, s => $"auto={s.Auto}"),
    ];

    private static CoproOptions CoproSettings(OptimizerSettings s) => new()
    {
        Breadth = Pick(s, 4, 6, 10),
        Depth = Pick(s, 2, 3, 3),
        MaxParallelism = s.MaxParallelism,
    };

    private static OptimizationIntensity Intensity(OptimizerSettings s) =>
        (OptimizationIntensity)Pick(s, (int)OptimizationIntensity.Light, (int)OptimizationIntensity.Medium, (int)OptimizationIntensity.Heavy);

    /// <summary>The entry for a name, or a <see cref="CliException"/> listing the known ones.</summary>
    public static OptimizerEntry Find(string name) =>
        All.FirstOrDefault(e => string.Equals(e.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new CliException($"--optimizer '{name}' is not known; use {string.Join(", ", All.Select(e => e.Name))}.");

    private static BootstrapFewShotOptions Bootstrap(OptimizerSettings s) => new()
    {
        MaxBootstrappedDemos = 4,
        MaxParallelism = s.MaxParallelism,
        MaxLabeledDemos = Pick(s, 4, 8, 16),
        Seed = s.Seed,
        TeacherClient = s.Teacher,
    };

    private static RandomSearchOptions RandomSearch(OptimizerSettings s) => new()
    {
        NumCandidatePrograms = Pick(s, 4, 8, 16),
        MaxBootstrappedDemos = 4,
        MaxLabeledDemos = Pick(s, 4, 8, 16),
        MaxParallelism = s.MaxParallelism,
        BootstrapParallelism = s.MaxParallelism, // the same demos and calls as one by one, sooner
        MaxConcurrentCandidates = s.ConcurrentCandidates, // the same table and program as one after another
        Seed = s.Seed,
        TeacherClient = s.Teacher,
    };

    /// <summary>The value for <c>--auto</c>.</summary>
    public static int Pick(OptimizerSettings s, int light, int medium, int heavy) => s.Auto switch
    {
        "light" => light,
        "medium" => medium,
        "heavy" => heavy,
        _ => throw new CliException($"--auto '{s.Auto}' is not known; use light, medium or heavy."),
    };
}
