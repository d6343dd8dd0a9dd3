using System.Globalization;
using Declarative.Pipeline;

namespace Declarative.Optimizers;

/// <summary>
/// Tries several demo sets and keeps the one that scores best on a validation set (DSPy's
/// <c>BootstrapFewShotWithRandomSearch</c>). The candidates are, in order: seed -3, the student without demos;
/// -2, <see cref="LabeledFewShot"/>; -1, <see cref="BootstrapFewShot"/> on the training set as given; then seeds
/// 0 to <see cref="RandomSearchOptions.NumCandidatePrograms"/> - 1, each <see cref="BootstrapFewShot"/> on a training
/// set shuffled with that seed and with a seeded number of bootstrapped demos between 1 and
/// <see cref="RandomSearchOptions.MaxBootstrappedDemos"/>. Each is scored with an <see cref="Evaluator"/>.
/// </summary>
/// <remarks>
/// Seeded with .NET's <see cref="Random"/>, so the shuffles are deterministic but differ from Python's. Candidates
/// are compiled and scored one after another, or <see cref="RandomSearchOptions.MaxConcurrentCandidates"/> at once; the
/// validation examples of one candidate run in parallel.
/// </remarks>
public sealed partial class BootstrapFewShotWithRandomSearch : Optimizer
{
    private readonly Metric metric;
    private readonly RandomSearchOptions options;
    private readonly Evaluator evaluator;

    /// <summary>Creates the optimizer.</summary>
    /// <param name="metric">Scores candidates on the validation set and decides which traces become demos.</param>
    /// <param name="options">The settings (default: DSPy's).</param>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range.</exception>
    public BootstrapFewShotWithRandomSearch(Metric metric, RandomSearchOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(metric);
        options ??= new RandomSearchOptions();
        options.Validate();
        this.metric = metric;
        this.options = options;
        evaluator = new Evaluator(new EvaluateOptions { MaxParallelism = options.MaxParallelism });
    }

    /// <inheritdoc />
    /// <exception cref="OptimizationException">A candidate failed on <see cref="RandomSearchOptions.MaxErrors"/> examples.</exception>
    public override async Task<TProgram> CompileAsync<TProgram>(
        TProgram student,
        IReadOnlyList<Example> trainset,
        Func<TProgram, Example, RunContext, CancellationToken, Task<Prediction>> run,
        RunContext context,
        CancellationToken cancellationToken = default) =>
        (await SearchAsync(student, trainset, null, run, context, cancellationToken).ConfigureAwait(false)).BestProgram;

    /// <summary>Tries the candidates and returns the best with the table of all of them.</summary>
    /// <typeparam name="TProgram">The program's type.</typeparam>
    /// <param name="student">The program to optimize; it is not changed.</param>
    /// <param name="trainset">The training examples, with their inputs marked.</param>
    /// <param name="valset">The examples candidates are scored on; <see langword="null"/> for the training set (as DSPy).</param>
    /// <param name="run">Runs a program on one example with a context.</param>
    /// <param name="context">The client and adapter to run with.</param>
    /// <param name="cancellationToken">Cancels the search.</param>
    /// <returns>The best candidate (the earliest on a tie) and every candidate tried.</returns>
    /// <exception cref="OptimizationException">A candidate failed on <see cref="RandomSearchOptions.MaxErrors"/> examples.</exception>
    public async Task<RandomSearchResult<TProgram>> SearchAsync<TProgram>(
        TProgram student,
        IReadOnlyList<Example> trainset,
        IReadOnlyList<Example>? valset,
        Func<TProgram, Example, RunContext, CancellationToken, Task<Prediction>> run,
        RunContext context,
        CancellationToken cancellationToken = default)
        where TProgram : Module
    {
        var tried = await TryCandidatesAsync(student, trainset, valset, run, context, new OptimizationRun(), cancellationToken).ConfigureAwait(false);
        var candidates = tried.Select(t => new RandomSearchCandidate<TProgram>(t.Seed, t.Score, t.Size, t.Counts, student.WithState(t.State))).ToList();
        RandomSearchCandidate<TProgram>? best = null;
        foreach (var candidate in candidates)
        {
            if (best is null || candidate.Score > best.Score)
            {
                best = candidate;
            }
        }

        return new RandomSearchResult<TProgram>(best!.Program, best.Score, candidates);
    }

    /// <inheritdoc />
    /// <remarks>
    /// Each candidate's compilation and scoring is one step, keyed <c>"candidate/seed=N"</c>, and one candidate with index
    /// <c>N + 3</c>, label <c>"seed N"</c> and details <c>demos.PREDICTOR</c> (demo counts) and <c>max_bootstrapped</c>.
    /// A spent budget stops the run with the best candidate so far, marked partial.
    /// </remarks>
    /// <exception cref="OptimizationException">A candidate failed on <see cref="RandomSearchOptions.MaxErrors"/> examples.</exception>
    public override async Task<OptimizationResult<TProgram>> OptimizeAsync<TProgram>(
        TProgram student,
        IReadOnlyList<Example> trainset,
        IReadOnlyList<Example>? valset,
        Func<TProgram, Example, RunContext, CancellationToken, Task<Prediction>> run,
        RunContext context,
        OptimizationRun optimizationRun,
        CancellationToken cancellationToken = default)
        => await SearchWithinBudgetAsync(student, trainset, run, context, optimizationRun, () =>
            TryCandidatesAsync(student, trainset, valset, run, context, optimizationRun, cancellationToken)).ConfigureAwait(false);

    /// <summary>Compiles and scores the candidates in seed order as steps of <paramref name="optimizationRun"/>.</summary>
    private async Task<List<RandomSearchTried>> TryCandidatesAsync<TProgram>(
        TProgram student,
        IReadOnlyList<Example> trainset,
        IReadOnlyList<Example>? valset,
        Func<TProgram, Example, RunContext, CancellationToken, Task<Prediction>> run,
        RunContext context,
        OptimizationRun optimizationRun,
        CancellationToken cancellationToken)
        where TProgram : Module
    {
        CheckArguments(student, trainset);
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(context);
        var scoredOn = valset ?? trainset;

        var tried = new List<RandomSearchTried>();
        if (options.MaxConcurrentCandidates > 1)
        {
            await TryConcurrentlyAsync(student, trainset, scoredOn, run, context, optimizationRun, tried, cancellationToken).ConfigureAwait(false);
            return tried;
        }

        for (var seed = -3; seed < options.NumCandidatePrograms; seed++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var one = await StepAsync(student, trainset, scoredOn, run, context, optimizationRun, seed, cancellationToken).ConfigureAwait(false);
            tried.Add(one);
            if (await AddAsync(optimizationRun, one, cancellationToken).ConfigureAwait(false))
            {
                break;
            }
        }

        return tried;
    }

    /// <summary>Compiles and scores the candidate of one seed.</summary>
    private async Task<RandomSearchTried> TryAsync<TProgram>(
        TProgram student,
        IReadOnlyList<Example> trainset,
        IReadOnlyList<Example> valset,
        Func<TProgram, Example, RunContext, CancellationToken, Task<Prediction>> run,
        RunContext context,
        int seed,
        CancellationToken cancellationToken)
        where TProgram : Module
    {
        var (program, size) = await CandidateAsync(student, trainset, run, context, seed, cancellationToken).ConfigureAwait(false);
        var evaluation = await evaluator.EvaluateAsync((e, ct) => run(program, e, context, ct), valset, metric, cancellationToken).ConfigureAwait(false);
        if (evaluation.ErrorCount >= options.MaxErrors)
        {
            var first = evaluation.Rows.First(r => r.Error is not null);
            throw new OptimizationException(
                $"Candidate {seed} failed on {evaluation.ErrorCount} validation examples (MaxErrors = {options.MaxErrors}); example {first.Index} threw {first.Error}. Fix the program or metric, or raise RandomSearchOptions.MaxErrors.");
        }

        var counts = program.NamedPredictors().ToDictionary(p => p.Name, p => p.Predictor.Demos.Count, StringComparer.Ordinal);
        return new RandomSearchTried(seed, evaluation.Score, size, counts, ProgramState.Capture(program));
    }

    /// <summary>Compiles the candidate for one seed; returns it with its bootstrapped-demo limit.</summary>
    private async Task<(TProgram Program, int Size)> CandidateAsync<TProgram>(
        TProgram student,
        IReadOnlyList<Example> trainset,
        Func<TProgram, Example, RunContext, CancellationToken, Task<Prediction>> run,
        RunContext context,
        int seed,
        CancellationToken cancellationToken)
        where TProgram : Module
    {
        switch (seed)
        {
            case -3:
                var none = student.NamedPredictors().ToDictionary(p => p.Name, _ => (IReadOnlyList<Example>)[], StringComparer.Ordinal);
                return (ProgramDemos.WithDemos(student, none), 0);
            case -2:
                var labeled = new LabeledFewShot(new LabeledFewShotOptions { K = options.MaxLabeledDemos, Seed = options.Seed });
                return (labeled.Compile(student, trainset), 0);
            case -1:
                return (await Bootstrap(options.MaxBootstrappedDemos).CompileAsync(student, trainset, run, context, cancellationToken).ConfigureAwait(false), options.MaxBootstrappedDemos);
            default:
                var shuffled = ProgramDemos.Sample(new Random(options.Seed + seed), trainset, int.MaxValue);
                var size = new Random(options.Seed + seed).Next(1, options.MaxBootstrappedDemos + 1);
                return (await Bootstrap(size).CompileAsync(student, shuffled, run, context, cancellationToken).ConfigureAwait(false), size);
        }
    }

    private BootstrapFewShot Bootstrap(int maxBootstrapped) => new(metric, new BootstrapFewShotOptions
    {
        MaxBootstrappedDemos = maxBootstrapped,
        MaxLabeledDemos = options.MaxLabeledDemos,
        MaxRounds = options.MaxRounds,
        MaxErrors = options.MaxErrors,
        MetricThreshold = options.MetricThreshold,
        Seed = options.Seed,
        MaxParallelism = options.BootstrapParallelism,
        TeacherClient = options.TeacherClient,
    });
}
