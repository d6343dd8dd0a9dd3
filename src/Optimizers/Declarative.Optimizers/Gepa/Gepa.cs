using System.Globalization;
using Declarative.Pipeline;

namespace Declarative.Optimizers;

/// <summary>
/// Reflective prompt evolution (DSPy's <c>GEPA</c>): each iteration picks a candidate from the Pareto front of
/// per-example validation scores, runs it on a minibatch of the training set with traces, and asks the prompt model to
/// reflect on one predictor's inputs, outputs and the metric's textual feedback (<see cref="MetricResult.Feedback"/>)
/// and write a new instruction for it (each candidate's predictors are taken in turn). When the child beats its parent on the same
/// minibatch it is scored on the whole validation set and joins the pool. Optionally, two candidates that improved
/// different predictors from a common ancestor are merged. The run stops when the metric-call budget is spent; the
/// result is the candidate with the best validation score.
/// </summary>
/// <remarks>
/// A metric without feedback still works: the reflection then sees each example's score. The budget is checked before
/// each iteration, so the last iteration may pass it by up to a minibatch pair and one validation pass (as in GEPA).
/// </remarks>
public sealed partial class Gepa : SearchOptimizer
{
    private readonly GepaOptions options;

    /// <summary>Creates the optimizer.</summary>
    /// <param name="metric">Scores the programs; its <see cref="MetricResult.Feedback"/> is what the reflection learns from.</param>
    /// <param name="options">The settings (default: DSPy's, <c>auto = light</c>).</param>
    /// <exception cref="ArgumentException">A setting is out of range, or not exactly one budget is set.</exception>
    public Gepa(Metric metric, GepaOptions? options = null)
        : base(metric)
    {
        options ??= new GepaOptions();
        options.Validate();
        this.options = options;
    }

    /// <inheritdoc />
    /// <remarks>Candidates are validated on <paramref name="valset"/>, or on the training set when it is <see langword="null"/> (as DSPy).</remarks>
    /// <exception cref="ArgumentException">The training set is empty.</exception>
    public override async Task<OptimizationResult<TProgram>> OptimizeAsync<TProgram>(
        TProgram student,
        IReadOnlyList<Example> trainset,
        IReadOnlyList<Example>? valset,
        Func<TProgram, Example, RunContext, CancellationToken, Task<Prediction>> run,
        RunContext context,
        OptimizationRun optimizationRun,
        CancellationToken cancellationToken = default)
    {
        if (trainset?.Count == 0 || valset is { Count: 0 })
        {
            throw new ArgumentException("GEPA needs a non-empty training set (and a non-empty validation set, when one is given).", nameof(trainset));
        }

        return await SearchWithinBudgetAsync(student, trainset!, run, context, optimizationRun, () =>
            new Search<TProgram>(this, student, trainset!, valset ?? trainset!, run, context, optimizationRun).RunAsync(cancellationToken)).ConfigureAwait(false);
    }

    /// <summary>The metric-call budget for a run.</summary>
    internal int Budget(int predictors, int train, int validation)
    {
        if (options.MaxMetricCalls is { } calls)
        {
            return calls;
        }

        if (options.MaxFullEvals is { } fulls)
        {
            return fulls * (train + validation);
        }

        var n = AutoBudget.Candidates(options.Auto ?? OptimizationIntensity.Heavy);
        var trials = AutoBudget.Trials(predictors, n);
        var fullEvals = ((trials + 1) / 5) + 1 + (trials < 5 ? 1 : 0);
        return validation + (5 * n) + (35 * trials) + (fullEvals * validation);
    }

    /// <summary>One run's state: the candidate pool and the budget spent.</summary>
    private sealed partial class Search<TProgram>(
        Gepa owner,
        TProgram student,
        IReadOnlyList<Example> trainset,
        IReadOnlyList<Example> valset,
        Func<TProgram, Example, RunContext, CancellationToken, Task<Prediction>> run,
        RunContext context,
        OptimizationRun optimizationRun)
        where TProgram : Module
    {
        private readonly GepaOptions options = owner.options;
        private readonly List<Candidate> pool = [];
        private readonly HashSet<string> pooled = new(StringComparer.Ordinal); // the pool's states as JSON, for Contains
        private readonly Random random = new(owner.options.Seed);
        private readonly List<string> names = student.NamedPredictors().Select(p => p.Name).ToList();
        private int metricCalls;
        private int index;

        public async Task RunAsync(CancellationToken cancellationToken)
        {
            var budget = owner.Budget(names.Count, trainset.Count, valset.Count);
            await AddAsync(ProgramState.Capture(student), [], "seed", "gepa/seed/eval", new Dictionary<string, string>(), cancellationToken).ConfigureAwait(false);
            var order = ProgramDemos.Sample(random, Enumerable.Range(0, trainset.Count).ToList(), trainset.Count);
            var next = 0;
            var merges = 0;
            for (var iteration = 1; metricCalls < budget; iteration++)
            {
                var parent = options.CandidateSelection == GepaCandidateSelection.Pareto
                    ? ParetoFront.Sample(random, pool.Select(c => (IReadOnlyList<double>)c.Scores).ToList())
                    : Enumerable.Range(0, pool.Count).Aggregate((a, b) => pool[b].Average > pool[a].Average ? b : a);
                if (next + options.ReflectionMinibatchSize > order.Count)
                {
                    order = ProgramDemos.Sample(random, order, order.Count);
                    next = 0;
                }

                var batch = order.Skip(next).Take(options.ReflectionMinibatchSize).Select(i => trainset[i]).ToList();
                next += options.ReflectionMinibatchSize;
                // Each candidate's predictors are improved in turn (GEPA's round-robin module selector).
                var name = names[pool[parent].NextPredictor++ % names.Count];
                var accepted = await IterateAsync(iteration, parent, name, batch, cancellationToken).ConfigureAwait(false);
                if (accepted && options.UseMerge && merges < options.MaxMergeInvocations && await MergeAsync(iteration, cancellationToken).ConfigureAwait(false))
                {
                    merges++;
                }
            }
        }

        /// <summary>Reflects on the parent's minibatch and keeps the child when it does better; true when it joined the pool.</summary>
        private async Task<bool> IterateAsync(int iteration, int parent, string name, List<Example> batch, CancellationToken cancellationToken)
        {
            var key = $"gepa/iteration={iteration}";
            var parentRollouts = await optimizationRun.EvaluateAsync(
                $"{key}/parent/eval", student.WithState(pool[parent].State), batch, run, context, owner.Metric, options.MaxParallelism, true, cancellationToken).ConfigureAwait(false);
            metricCalls += batch.Count;
            if (options.SkipPerfectScore && parentRollouts.All(r => r.Score >= options.PerfectScore))
            {
                return false;
            }

            var current = pool[parent].State.Predictors[name].Instructions;
            var completions = await optimizationRun.ProposeAsync(
                $"{key}/reflect/predictor={name}",
                new Predict(ProposalSignatures.Reflect) { Name = "gepa.reflect" },
                new Dictionary<string, object?> { ["current_instruction"] = current, ["examples_with_feedback"] = ReflectiveDataset(parentRollouts, batch, name) },
                options.PromptModel ?? context,
                new CallSettings { RolloutId = key },
                cancellationToken).ConfigureAwait(false);
            var instruction = SearchSteps.Text(completions[0], "new_instruction");
            if (instruction.Length == 0 || instruction == current)
            {
                return false;
            }

            var child = SearchSteps.WithInstruction(pool[parent].State, name, instruction);
            var childRollouts = await optimizationRun.EvaluateAsync(
                $"{key}/child/eval", student.WithState(child), batch, run, context, owner.Metric, options.MaxParallelism, false, cancellationToken).ConfigureAwait(false);
            metricCalls += batch.Count;
            var details = new Dictionary<string, string>
            {
                ["iteration"] = iteration.ToString(CultureInfo.InvariantCulture),
                ["parent"] = parent.ToString(CultureInfo.InvariantCulture),
                ["predictor"] = name,
            };
            await optimizationRun.AddCandidateAsync(
                SearchSteps.Candidate(index++, $"iteration {iteration} minibatch", childRollouts, false, child, details), cancellationToken).ConfigureAwait(false);
            if (childRollouts.Sum(r => r.Score) <= parentRollouts.Sum(r => r.Score) || Contains(child))
            {
                return false; // no better on the minibatch, or a program the pool already holds
            }

            await AddAsync(child, [parent], $"iteration {iteration}", $"{key}/child/full-eval", details, cancellationToken).ConfigureAwait(false);
            return true;
        }

        /// <summary>Whether the pool holds a program with the same instructions and demos (the same state JSON).</summary>
        private bool Contains(ProgramState state) => pooled.Contains(state.ToJson());

        /// <summary>Scores a program on the validation set and adds it to the pool and the candidate table.</summary>
        private async Task AddAsync(ProgramState state, int[] parents, string label, string key, Dictionary<string, string> details, CancellationToken cancellationToken)
        {
            var rollouts = await optimizationRun.EvaluateAsync(key, student.WithState(state), valset, run, context, owner.Metric, options.MaxParallelism, false, cancellationToken).ConfigureAwait(false);
            metricCalls += valset.Count;
            var scores = rollouts.Select(r => r.Score).ToArray();
            pool.Add(new Candidate(state, scores, parents));
            pooled.Add(state.ToJson());
            details = new Dictionary<string, string>(details) { ["pool_index"] = (pool.Count - 1).ToString(CultureInfo.InvariantCulture) };
            await optimizationRun.AddCandidateAsync(SearchSteps.Candidate(index++, label, rollouts, true, state, details), cancellationToken).ConfigureAwait(false);
        }

        /// <summary>
        /// The reflection's examples: what the predictor received and produced, and the feedback on the result — from the
        /// runs in which the predictor was called (all runs, with the program's inputs and outputs, when it was called in none).
        /// </summary>
        private static string ReflectiveDataset(Rollout[] rollouts, List<Example> batch, string name)
        {
            var called = rollouts.Where(r => r.Calls.Any(c => c.Predictor == name)).ToList();
            var shown = called.Count > 0 ? called : [.. rollouts];
            var blocks = shown.Select((r, k) =>
            {
                var call = r.Calls.LastOrDefault(c => c.Predictor == name);
                var inputs = call?.Inputs ?? batch[r.Example].Inputs();
                var outputs = call?.Outputs ?? r.Outputs;
                var feedback = r.Feedback ?? (r.Error is not null ? $"The program failed: {r.Error}" : $"This output scored {r.Score.ToString(CultureInfo.InvariantCulture)}.");
                return $"## Example {k + 1}\n### Inputs\n{Lines(inputs)}\n### Generated outputs\n{Lines(outputs)}\n### Feedback\n{feedback}";
            });
            return string.Join("\n\n", blocks);
        }

        private static string Lines(IReadOnlyDictionary<string, object?> values) =>
            values.Count == 0 ? "(none)" : string.Join("\n", values.Select(p => $"{p.Key}: {SearchSteps.Show(p.Value)}"));
    }

    /// <summary>A program in the pool with its per-example validation scores and parents.</summary>
    private sealed record Candidate(ProgramState State, double[] Scores, int[] Parents)
    {
        /// <summary>Which predictor this candidate's next reflection improves (a counter, taken modulo the predictor count).</summary>
        public int NextPredictor { get; set; }

        public double Average => Scores.Length == 0 ? 0 : Scores.Average();
    }
}
