using System.Globalization;
using Declarative.Pipeline;
using MathNet.Numerics.Statistics;

namespace Declarative.Optimizers;

/// <summary>
/// Stochastic introspective mini-batch ascent (DSPy's <c>SIMBA</c>). Each step takes a minibatch of the training set
/// and samples <see cref="SimbaOptions.NumCandidates"/> trajectories per example — each from a program of the pool
/// chosen by a softmax over average scores, run at a distinct rollout id and temperature; it groups them into buckets
/// per example, takes the buckets whose scores vary most, and from each builds a new candidate by one of two
/// strategies: <em>append a demo</em> (the best trajectory's calls become demos) or <em>append a rule</em> (the prompt
/// model compares the best and worst trajectories and writes advice that is appended to each predictor's
/// instructions). The candidates are scored on the minibatch and join the pool; the step's best is a winner. At the end
/// winners spread over the run are scored on the whole training set and the best is returned.
/// </summary>
/// <remarks>
/// Before a strategy is applied, a Poisson-distributed number of demos is dropped from the source program (at least one
/// when a predictor holds <see cref="SimbaOptions.MaxDemos"/>), as in DSPy. A demo strategy is skipped when the best
/// trajectory scores no better than the batch's 10th percentile, a rule when the best is below it or the worst above the
/// 90th. Rules are asked one predictor at a time (DSPy asks for all predictors in one call).
/// </remarks>
public sealed partial class Simba : SearchOptimizer
{
    private readonly SimbaOptions options;

    /// <summary>Creates the optimizer.</summary>
    /// <param name="metric">Scores the trajectories and programs.</param>
    /// <param name="options">The settings (default: DSPy's).</param>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range.</exception>
    public Simba(Metric metric, SimbaOptions? options = null)
        : base(metric)
    {
        options ??= new SimbaOptions();
        options.Validate();
        this.options = options;
    }

    /// <inheritdoc />
    /// <remarks>SIMBA learns and selects on the training set; <paramref name="valset"/>, when given, replaces it for the final selection.</remarks>
    /// <exception cref="ArgumentException">The training set is smaller than <see cref="SimbaOptions.BatchSize"/>.</exception>
    public override async Task<OptimizationResult<TProgram>> OptimizeAsync<TProgram>(
        TProgram student,
        IReadOnlyList<Example> trainset,
        IReadOnlyList<Example>? valset,
        Func<TProgram, Example, RunContext, CancellationToken, Task<Prediction>> run,
        RunContext context,
        OptimizationRun optimizationRun,
        CancellationToken cancellationToken = default)
    {
        if (trainset?.Count < options.BatchSize)
        {
            throw new ArgumentException($"SIMBA needs at least BatchSize = {options.BatchSize} training examples and got {trainset.Count}; lower SimbaOptions.BatchSize or add examples.", nameof(trainset));
        }

        return await SearchWithinBudgetAsync(student, trainset!, run, context, optimizationRun, () =>
            SearchAsync(student, trainset!, valset ?? trainset!, run, context, optimizationRun, cancellationToken)).ConfigureAwait(false);
    }

    private async Task SearchAsync<TProgram>(
        TProgram student,
        IReadOnlyList<Example> trainset,
        IReadOnlyList<Example> finalset,
        Func<TProgram, Example, RunContext, CancellationToken, Task<Prediction>> run,
        RunContext context,
        OptimizationRun optimizationRun,
        CancellationToken cancellationToken)
        where TProgram : Module
    {
        var random = new Random(options.Seed);
        var pool = new List<(ProgramState State, List<double> Scores)> { (ProgramState.Capture(student), []) };
        var winners = new List<int> { 0 };
        var order = ProgramDemos.Sample(random, Enumerable.Range(0, trainset.Count).ToList(), trainset.Count);
        var next = 0;
        var index = 0;
        for (var step = 0; step < options.MaxSteps; step++)
        {
            if (next + options.BatchSize > trainset.Count)
            {
                order = ProgramDemos.Sample(random, order, order.Count);
                next = 0;
            }

            var batch = order.Skip(next).Take(options.BatchSize).Select(i => trainset[i]).ToList();
            next += options.BatchSize;

            // Which program runs each (model, example) trajectory: drawn before the step runs.
            var top = TopPlusBaseline(pool, options.NumCandidates);
            var chosen = new int[options.NumCandidates, batch.Count];
            for (var m = 0; m < options.NumCandidates; m++)
            {
                for (var j = 0; j < batch.Count; j++)
                {
                    chosen[m, j] = SoftmaxSample(random, pool, top, options.TemperatureForSampling);
                }
            }

            var trajectories = await optimizationRun.ReplayableAsync(
                $"simba/step={step}/trajectories",
                ct => TrajectoriesAsync(student, pool, batch, chosen, run, context, ct),
                t => Rollouts.Save(t),
                n => Rollouts.Load(n),
                cancellationToken).ConfigureAwait(false);
            var all = trajectories.Select(t => t.Score).ToArray();
            var p10 = Statistics.QuantileCustom(all, 0.1, QuantileDefinition.R7);
            var p90 = Statistics.QuantileCustom(all, 0.9, QuantileDefinition.R7);
            var buckets = Buckets(trajectories, batch.Count);

            var candidates = new List<(ProgramState State, Dictionary<string, string> Details)>();
            for (var b = 0; b < buckets.Count && b < options.NumCandidates; b++)
            {
                var source = SoftmaxSample(random, pool, TopPlusBaseline(pool, options.NumCandidates), options.TemperatureForCandidates);
                var state = DropDemos(pool[source].State, random);
                var appendDemo = options.MaxDemos > 0 && random.Next(2) == 0;
                var built = appendDemo
                    ? AppendDemo(state, buckets[b], p10)
                    : await AppendRuleAsync(student, state, buckets[b], p10, p90, $"simba/step={step}/candidate={b}", optimizationRun, context, cancellationToken).ConfigureAwait(false);
                if (built is not null)
                {
                    candidates.Add((built, new Dictionary<string, string>
                    {
                        ["step"] = step.ToString(CultureInfo.InvariantCulture),
                        ["strategy"] = appendDemo ? "append_a_demo" : "append_a_rule",
                        ["source"] = source.ToString(CultureInfo.InvariantCulture),
                    }));
                }
            }

            var bestScore = double.NegativeInfinity;
            var bestIndex = -1;
            for (var c = 0; c < candidates.Count; c++)
            {
                var rollouts = await optimizationRun.EvaluateAsync(
                    $"simba/step={step}/candidate={c}/eval", student.WithState(candidates[c].State), batch, run, context, Metric, options.MaxParallelism, false, cancellationToken).ConfigureAwait(false);
                var scores = rollouts.Select(r => r.Score).ToList();
                await optimizationRun.AddCandidateAsync(SearchSteps.Candidate(index++, $"step {step} candidate {c}", rollouts, false, candidates[c].State, candidates[c].Details), cancellationToken).ConfigureAwait(false);
                pool.Add((candidates[c].State, scores));
                if (scores.Average() > bestScore)
                {
                    bestScore = scores.Average();
                    bestIndex = pool.Count - 1;
                }
            }

            if (bestIndex >= 0)
            {
                winners.Add(bestIndex);
            }
        }

        // Winners spread evenly over the run (the baseline first), scored on the whole set.
        var last = winners.Count - 1;
        var picks = last < 1 ? [0] : Enumerable.Range(0, options.NumCandidates + 1)
            .Select(i => winners[(int)Math.Round(i * (double)last / options.NumCandidates, MidpointRounding.ToEven)]).Distinct().ToList();
        foreach (var pick in picks)
        {
            var rollouts = await optimizationRun.EvaluateAsync(
                $"simba/final/program={pick}/eval", student.WithState(pool[pick].State), finalset, run, context, Metric, options.MaxParallelism, false, cancellationToken).ConfigureAwait(false);
            await optimizationRun.AddCandidateAsync(
                SearchSteps.Candidate(index++, $"final, program {pick}", rollouts, true, pool[pick].State, new Dictionary<string, string> { ["program"] = pick.ToString(CultureInfo.InvariantCulture) }),
                cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Runs every (model, example) trajectory, traced; results in model-major order.</summary>
    private async Task<Rollout[]> TrajectoriesAsync<TProgram>(
        TProgram student,
        List<(ProgramState State, List<double> Scores)> pool,
        List<Example> batch,
        int[,] chosen,
        Func<TProgram, Example, RunContext, CancellationToken, Task<Prediction>> run,
        RunContext context,
        CancellationToken cancellationToken)
        where TProgram : Module
    {
        var programs = new Dictionary<int, TProgram>();
        foreach (var p in chosen)
        {
            programs.TryAdd(p, student.WithState(pool[p].State));
        }

        var models = options.NumCandidates;
        var results = new Rollout[models * batch.Count];
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = options.MaxParallelism, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(Enumerable.Range(0, results.Length), parallel, async (k, ct) =>
        {
            var (m, j) = (k / batch.Count, k % batch.Count);
            var one = await Rollouts.RunAsync(programs[chosen[m, j]], [batch[j]], run, Model(context, m), Metric, 1, traced: true, ct).ConfigureAwait(false);
            results[k] = one[0] with { Example = j };
        }).ConfigureAwait(false);
        return results;
    }

    /// <summary>Model 0 is the context as given; the others sample at temperature 1 under their own rollout id.</summary>
    private static RunContext Model(RunContext context, int m) => m == 0 ? context
        : context.WithDefaults((context.Defaults ?? new CallSettings()).Merge(new CallSettings { Temperature = 1.0f, RolloutId = $"simba/model={m}" }));

}
