using Declarative.Pipeline;
using Declarative.Tracing;

namespace Declarative.Optimizers;

/// <summary>
/// Bootstraps demos from the program's own successful runs (DSPy's <c>BootstrapFewShot</c>): a teacher runs on the
/// training examples in order; when the metric passes, each predictor call in the trace (inputs and outputs) becomes
/// a demo for that predictor. Labeled examples that were not bootstrapped fill the rest, up to
/// <see cref="BootstrapFewShotOptions.MaxLabeledDemos"/>.
/// </summary>
/// <remarks>
/// Predictor calls are matched to predictors by the name they are traced under (<see cref="Predict.Name"/>, or the
/// signature's name), so those names must be distinct within a program.
/// </remarks>
public sealed class BootstrapFewShot : Optimizer
{
    private readonly Metric metric;
    private readonly BootstrapFewShotOptions options;

    /// <summary>Creates the optimizer.</summary>
    /// <param name="metric">Decides whether a teacher run is good enough to learn from.</param>
    /// <param name="options">The settings (default: DSPy's).</param>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range.</exception>
    public BootstrapFewShot(Metric metric, BootstrapFewShotOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(metric);
        options ??= new BootstrapFewShotOptions();
        options.Validate();
        this.metric = metric;
        this.options = options;
    }

    /// <inheritdoc />
    /// <exception cref="OptimizationException">
    /// <see cref="BootstrapFewShotOptions.MaxErrors"/> examples threw, or two predictors are traced under the same name.
    /// </exception>
    public override Task<TProgram> CompileAsync<TProgram>(
        TProgram student,
        IReadOnlyList<Example> trainset,
        Func<TProgram, Example, RunContext, CancellationToken, Task<Prediction>> run,
        RunContext context,
        CancellationToken cancellationToken = default) =>
        CompileAsync(student, trainset, run, context, teacher: null, cancellationToken);

    /// <summary>Compiles <paramref name="student"/>, bootstrapping demos from <paramref name="teacher"/>'s runs.</summary>
    /// <typeparam name="TProgram">The program's type.</typeparam>
    /// <param name="student">The program to optimize; it is not changed.</param>
    /// <param name="trainset">The training examples, with their inputs marked.</param>
    /// <param name="run">Runs a program on one example with a context.</param>
    /// <param name="context">The client and adapter to run with; its trace sink is replaced during bootstrapping.</param>
    /// <param name="teacher">
    /// The program whose runs become demos, with the student's structure; <see langword="null"/> for the student with
    /// <see cref="BootstrapFewShotOptions.MaxLabeledDemos"/> labeled demos (as DSPy). It is not changed.
    /// </param>
    /// <param name="cancellationToken">Cancels the compilation.</param>
    /// <returns>A copy of the student with the demos.</returns>
    /// <exception cref="OptimizationException">
    /// <see cref="BootstrapFewShotOptions.MaxErrors"/> examples threw, or two predictors are traced under the same name.
    /// </exception>
    public async Task<TProgram> CompileAsync<TProgram>(
        TProgram student,
        IReadOnlyList<Example> trainset,
        Func<TProgram, Example, RunContext, CancellationToken, Task<Prediction>> run,
        RunContext context,
        TProgram? teacher,
        CancellationToken cancellationToken = default)
        where TProgram : Module
    {
        CheckArguments(student, trainset);
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(context);

        var names = student.NamedPredictors().Select(p => p.Name).ToList();
        teacher ??= options.MaxLabeledDemos > 0
            ? new LabeledFewShot(new LabeledFewShotOptions { K = options.MaxLabeledDemos, Seed = options.Seed }).Compile(student, trainset)
            : (TProgram)student.Clone();
        var tracedNames = TracedNames(teacher, names);

        var bootstrapped = new Dictionary<string, List<Example>>(StringComparer.Ordinal);
        foreach (var name in names)
        {
            bootstrapped[name] = [];
        }

        var used = new HashSet<int>();
        var errors = 0;
        var index = 0;
        while (index < trainset.Count && used.Count < options.MaxBootstrappedDemos)
        {
            // The next examples that a one-by-one pass would certainly try (it needs this many more demos), at most
            // MaxParallelism at once; their results are then taken in order, so the demos and the calls are the same.
            var batch = Math.Min(Math.Min(options.MaxBootstrappedDemos - used.Count, options.MaxParallelism), trainset.Count - index);
            var attempts = new Task<(Dictionary<string, Example>? Demos, List<Exception> Errors)>[batch];
            for (var i = 0; i < batch; i++)
            {
                attempts[i] = ExampleAsync(teacher, trainset[index + i], index + i, run, context, tracedNames, cancellationToken);
            }

            await Task.WhenAll(attempts).ConfigureAwait(false);
            for (var i = 0; i < batch; i++, index++)
            {
                var (demos, failures) = attempts[i].Result;
                foreach (var ex in failures)
                {
                    if (++errors >= options.MaxErrors)
                    {
                        throw new OptimizationException(
                            $"BootstrapFewShot stopped after {errors} failed examples (MaxErrors = {options.MaxErrors}); the last, training example {index}, threw {ex.GetType().Name}: {ex.Message}. Fix the program or metric, or raise BootstrapFewShotOptions.MaxErrors.",
                            ex);
                    }
                }

                if (demos is not null)
                {
                    foreach (var (name, demo) in demos)
                    {
                        bootstrapped[name].Add(demo);
                    }

                    used.Add(index);
                }
            }
        }

        // Labeled fill from the examples that were not bootstrapped, shuffled once, sampled per predictor.
        var random = new Random(options.Seed);
        var rest = ProgramDemos.Sample(random, trainset.Where((_, i) => !used.Contains(i)).ToList(), int.MaxValue);
        var result = new Dictionary<string, IReadOnlyList<Example>>(StringComparer.Ordinal);
        foreach (var name in names)
        {
            var augmented = bootstrapped[name].Take(options.MaxBootstrappedDemos).ToList();
            var labeled = ProgramDemos.Sample(random, rest, options.MaxLabeledDemos - augmented.Count);
            result[name] = [.. augmented, .. labeled];
        }

        return ProgramDemos.WithDemos(student, result);
    }

    /// <summary>Runs the rounds of one example until one passes; returns its demos (or null) and the errors of the failed rounds.</summary>
    private async Task<(Dictionary<string, Example>? Demos, List<Exception> Errors)> ExampleAsync<TProgram>(
        TProgram teacher,
        Example example,
        int index,
        Func<TProgram, Example, RunContext, CancellationToken, Task<Prediction>> run,
        RunContext context,
        IReadOnlyDictionary<string, string> tracedNames,
        CancellationToken cancellationToken)
        where TProgram : Module
    {
        var errors = new List<Exception>();
        for (var round = 0; round < options.MaxRounds; round++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                var demos = await AttemptAsync(teacher, example, index, round, run, context, tracedNames, cancellationToken).ConfigureAwait(false);
                if (demos is not null)
                {
                    return (demos, errors);
                }
            }
            catch (Exception ex) when (ex is not BudgetExceededException && (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested))
            {
                errors.Add(ex);
            }
        }

        return (null, errors);
    }

    /// <summary>Runs the teacher on one example; returns a demo per traced predictor when the metric passes, otherwise null.</summary>
    private async Task<Dictionary<string, Example>?> AttemptAsync<TProgram>(
        TProgram teacher,
        Example example,
        int index,
        int round,
        Func<TProgram, Example, RunContext, CancellationToken, Task<Prediction>> run,
        RunContext context,
        IReadOnlyDictionary<string, string> tracedNames,
        CancellationToken cancellationToken)
        where TProgram : Module
    {
        // The teacher must not see the example it is answering among its demos.
        var program = WithoutExample(teacher, example);
        var recorder = new TraceRecorder();
        var defaults = context.Defaults ?? new CallSettings();
        if (round > 0)
        {
            defaults = defaults with { RolloutId = round.ToString(System.Globalization.CultureInfo.InvariantCulture), Temperature = 1.0f };
        }

        var attemptContext = (options.TeacherClient is { } teacherClient ? context.WithClient(teacherClient) : context).WithDefaults(defaults).WithTrace(recorder);
        var prediction = await run(program, example, attemptContext, cancellationToken).ConfigureAwait(false);
        var score = await metric(example, prediction, cancellationToken).ConfigureAwait(false);
        var passed = options.MetricThreshold is { } threshold ? score.Score >= threshold : score.Score > 0;
        if (!passed)
        {
            return null;
        }

        var byPredictor = new Dictionary<string, List<Example>>(StringComparer.Ordinal);
        foreach (var entry in recorder.Entries)
        {
            if (!tracedNames.TryGetValue(entry.Predictor, out var name))
            {
                continue; // a call outside the program's predictors (as DSPy, skipped)
            }

            var values = entry.Inputs.Concat(entry.Outputs);
            var demo = new Example(values, entry.Inputs.Keys);
            (byPredictor.TryGetValue(name, out var list) ? list : byPredictor[name] = []).Add(demo);
        }

        // A predictor called several times for one example: one of its calls, chosen by a seeded coin
        // (the last, or one of the earlier ones), as DSPy does.
        // Seeded by arithmetic, not HashCode (randomized per process): the same run picks the same calls every time.
        var random = new Random(unchecked((options.Seed * 1_000_003) + (index * 131) + round));
        return byPredictor.ToDictionary(
            p => p.Key,
            p => p.Value.Count == 1 || random.NextDouble() >= 0.5 ? p.Value[^1] : p.Value[random.Next(p.Value.Count - 1)],
            StringComparer.Ordinal);
    }

    private static TProgram WithoutExample<TProgram>(TProgram teacher, Example example)
        where TProgram : Module
    {
        var changed = new Dictionary<string, IReadOnlyList<Example>>(StringComparer.Ordinal);
        foreach (var (name, predict) in teacher.NamedPredictors())
        {
            if (predict.Demos.Any(d => ProgramDemos.SameValues(d, example)))
            {
                changed[name] = predict.Demos.Where(d => !ProgramDemos.SameValues(d, example)).ToList();
            }
        }

        return changed.Count == 0 ? teacher : ProgramDemos.WithDemos(teacher, changed);
    }

    /// <summary>Maps the name each teacher predictor is traced under to its name in the program.</summary>
    private static Dictionary<string, string> TracedNames(Module teacher, List<string> studentNames)
    {
        var predictors = teacher.NamedPredictors();
        if (!predictors.Select(p => p.Name).SequenceEqual(studentNames, StringComparer.Ordinal))
        {
            throw new OptimizationException(
                $"The teacher's predictors ({string.Join(", ", predictors.Select(p => p.Name))}) are not the student's ({string.Join(", ", studentNames)}); give a teacher with the student's structure.");
        }

        return Rollouts.TracedNames(predictors);
    }
}
