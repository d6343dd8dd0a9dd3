using System.Globalization;
using Declarative.Pipeline;

namespace Declarative.Optimizers;

/// <summary>
/// Multiprompt instruction proposal and Bayesian search (DSPy's <c>MIPROv2</c>): (1) demo sets are bootstrapped per
/// predictor — set 0 none, set 1 labeled only, set 2 bootstrapped from the training set as given, the rest from
/// seeded shuffles; (2) the prompt model proposes instructions grounded in a summary of the training data, a
/// description of the program, a demo set and a random prompting tip, the original instruction being candidate 0;
/// (3) a <see cref="TpeSampler"/> searches over (instruction, demo set) per predictor, scoring trials on minibatches
/// of the validation set and, every <see cref="MiproOptions.MinibatchFullEvalSteps"/> trials, the configuration with
/// the best average minibatch score on the whole validation set. The result is the best fully evaluated program.
/// </summary>
/// <remarks>
/// Without a validation set, the last 80% of the training set (at most 1,000 examples) validates and the rest trains,
/// as in DSPy. The baseline program is scored on the whole validation set first (candidate 0) and given to the sampler
/// as a trial. Candidates are numbered in scoring order; minibatch scores are recorded as partial evaluations.
/// </remarks>
public sealed partial class MiproV2 : SearchOptimizer
{
    private readonly MiproOptions options;

    /// <summary>Creates the optimizer.</summary>
    /// <param name="metric">Scores the programs and decides which traces become demos.</param>
    /// <param name="options">The settings (default: DSPy's, <c>auto = light</c>).</param>
    /// <exception cref="ArgumentException">A setting is out of range, or <see cref="MiproOptions.Auto"/> conflicts with the counts.</exception>
    public MiproV2(Metric metric, MiproOptions? options = null)
        : base(metric)
    {
        options ??= new MiproOptions();
        options.Validate();
        this.options = options;
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentException">The training set is empty, or has one example and no validation set is given.</exception>
    public override async Task<OptimizationResult<TProgram>> OptimizeAsync<TProgram>(
        TProgram student,
        IReadOnlyList<Example> trainset,
        IReadOnlyList<Example>? valset,
        Func<TProgram, Example, RunContext, CancellationToken, Task<Prediction>> run,
        RunContext context,
        OptimizationRun optimizationRun,
        CancellationToken cancellationToken = default)
        => await SearchWithinBudgetAsync(student, trainset, run, context, optimizationRun, () =>
        {
            var random = new Random(options.Seed);
            var plan = Plan(student, trainset, valset, random);
            return SearchAsync(student, plan, run, context, optimizationRun, random, cancellationToken);
        }).ConfigureAwait(false);

    private async Task SearchAsync<TProgram>(
        TProgram student,
        MiproPlan plan,
        Func<TProgram, Example, RunContext, CancellationToken, Task<Prediction>> run,
        RunContext context,
        OptimizationRun optimizationRun,
        Random random,
        CancellationToken cancellationToken)
        where TProgram : Module
    {
        var baseState = ProgramState.Capture(student);
        var names = baseState.Predictors.Keys.ToList();
        var index = 0;

        var baseline = await optimizationRun.EvaluateAsync("mipro/baseline/eval", student, plan.Valset, run, context, Metric, options.MaxParallelism, false, cancellationToken).ConfigureAwait(false);
        var baselineScore = Rollouts.Percent(baseline.Select(r => r.Score));
        await optimizationRun.AddCandidateAsync(SearchSteps.Candidate(index++, "baseline", baseline, true, baseState, new Dictionary<string, string> { ["trial"] = "0" }), cancellationToken).ConfigureAwait(false);

        var demoSets = await DemoSetsAsync(student, plan, run, context, optimizationRun, random, cancellationToken).ConfigureAwait(false);
        var instructions = await InstructionsAsync(student, plan, demoSets, optimizationRun, random, context, cancellationToken).ConfigureAwait(false);
        var useDemos = !options.ZeroShot;

        var cardinalities = new List<int>();
        foreach (var name in names)
        {
            cardinalities.Add(instructions[name].Count);
            if (useDemos)
            {
                cardinalities.Add(demoSets.Count);
            }
        }

        var sampler = new TpeSampler(cardinalities, options.Seed, options.TpeStartupTrials);
        sampler.Tell(new int[cardinalities.Count], baselineScore);
        var minibatchScores = new Dictionary<string, List<double>>(StringComparer.Ordinal);
        var firstSeen = new List<(string Key, int[] Config)>();
        var fullyEvaluated = new HashSet<string>(StringComparer.Ordinal) { Key(new int[cardinalities.Count]) };

        for (var trial = 1; trial <= plan.Trials; trial++)
        {
            var config = sampler.Suggest();
            var (state, details) = Assemble(baseState, names, config, instructions, demoSets, useDemos);
            details["trial"] = trial.ToString(CultureInfo.InvariantCulture);
            var batch = plan.Minibatch ? ProgramDemos.Sample(random, plan.Valset, options.MinibatchSize) : plan.Valset;
            var rollouts = await optimizationRun.EvaluateAsync(
                $"mipro/trial={trial}/eval", student.WithState(state), batch, run, context, Metric, options.MaxParallelism, false, cancellationToken).ConfigureAwait(false);
            var score = Rollouts.Percent(rollouts.Select(r => r.Score));
            await optimizationRun.AddCandidateAsync(SearchSteps.Candidate(index++, $"trial {trial}", rollouts, !plan.Minibatch, state, details), cancellationToken).ConfigureAwait(false);
            sampler.Tell(config, score);
            var key = Key(config);
            if (!minibatchScores.TryGetValue(key, out var list))
            {
                minibatchScores[key] = list = [];
                firstSeen.Add((key, config));
            }

            list.Add(score);
            if (!plan.Minibatch)
            {
                fullyEvaluated.Add(key);
                continue;
            }

            if (trial % options.MinibatchFullEvalSteps != 0 && trial != plan.Trials)
            {
                continue;
            }

            // The best average minibatch score among configurations not yet fully evaluated (the earliest on a tie).
            var pick = firstSeen.Where(c => !fullyEvaluated.Contains(c.Key)).Select(c => (c.Key, c.Config, Mean: minibatchScores[c.Key].Average()))
                .Aggregate(((string Key, int[] Config, double Mean)?)null, (best, c) => best is null || c.Mean > best.Value.Mean ? c : best);
            if (pick is not { } chosen)
            {
                continue;
            }

            var (fullState, fullDetails) = Assemble(baseState, names, chosen.Config, instructions, demoSets, useDemos);
            fullDetails["trial"] = trial.ToString(CultureInfo.InvariantCulture);
            fullDetails["minibatch_average"] = chosen.Mean.ToString("0.##", CultureInfo.InvariantCulture);
            var full = await optimizationRun.EvaluateAsync(
                $"mipro/trial={trial}/full-eval", student.WithState(fullState), plan.Valset, run, context, Metric, options.MaxParallelism, false, cancellationToken).ConfigureAwait(false);
            var fullScore = Rollouts.Percent(full.Select(r => r.Score));
            await optimizationRun.AddCandidateAsync(SearchSteps.Candidate(index++, $"full evaluation after trial {trial}", full, true, fullState, fullDetails), cancellationToken).ConfigureAwait(false);
            sampler.Tell(chosen.Config, fullScore);
            fullyEvaluated.Add(chosen.Key);
        }
    }

    private static (ProgramState State, Dictionary<string, string> Details) Assemble(
        ProgramState baseState,
        List<string> names,
        int[] config,
        Dictionary<string, List<string>> instructions,
        List<Dictionary<string, IReadOnlyList<Example>>> demoSets,
        bool useDemos)
    {
        var state = baseState;
        var details = new Dictionary<string, string>(StringComparer.Ordinal);
        var p = 0;
        foreach (var name in names)
        {
            var instruction = config[p++];
            state = SearchSteps.WithInstruction(state, name, instructions[name][instruction]);
            details[$"{name}.instruction"] = instruction.ToString(CultureInfo.InvariantCulture);
            if (useDemos)
            {
                var set = config[p++];
                state = SearchSteps.WithDemos(state, name, demoSets[set][name]);
                details[$"{name}.demos"] = set.ToString(CultureInfo.InvariantCulture);
            }
        }

        return (state, details);
    }

    private static string Key(int[] config) => string.Join(",", config);

    /// <summary>The sets, counts and trial number the run uses.</summary>
    private sealed record MiproPlan(IReadOnlyList<Example> Trainset, IReadOnlyList<Example> Valset, int InstructionCandidates, int DemoSets, int Trials, bool Minibatch);

    private MiproPlan Plan(Module student, IReadOnlyList<Example> trainset, IReadOnlyList<Example>? valset, Random random)
    {
        if (trainset.Count == 0)
        {
            throw new ArgumentException("MIPROv2 needs a non-empty training set.", nameof(trainset));
        }

        if (valset is null)
        {
            if (trainset.Count < 2)
            {
                throw new ArgumentException("MIPROv2 needs at least 2 training examples when no validation set is given (80% of them validate); pass a validation set.", nameof(trainset));
            }

            var size = Math.Min(1000, Math.Max(1, (int)(trainset.Count * 0.8)));
            valset = trainset.Skip(trainset.Count - size).ToList();
            trainset = trainset.Take(trainset.Count - size).ToList();
        }
        else if (valset.Count == 0)
        {
            throw new ArgumentException("The validation set is empty; pass null to split the training set instead.", nameof(valset));
        }

        if (options.Auto is not { } auto)
        {
            return new MiproPlan(trainset, valset, options.NumCandidates!.Value, options.NumCandidates.Value, options.NumTrials!.Value, options.Minibatch && valset.Count > options.MinibatchSize);
        }

        var n = AutoBudget.Candidates(auto);
        var valSize = auto switch { OptimizationIntensity.Light => 100, OptimizationIntensity.Medium => 300, _ => 1000 };
        valset = valset.Count > valSize ? ProgramDemos.Sample(random, valset, valSize) : valset;
        var variables = student.NamedPredictors().Count * (options.ZeroShot ? 1 : 2);
        var trials = AutoBudget.Trials(variables, n);
        var minibatch = options.Minibatch && valset.Count > 50 && valset.Count > options.MinibatchSize;
        return new MiproPlan(trainset, valset, options.ZeroShot ? n : n / 2, n, trials, minibatch);
    }
}
