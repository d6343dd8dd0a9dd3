using Declarative.Pipeline;

namespace Declarative.Optimizers;

/// <summary>
/// An optimizer that searches: it scores candidate programs with a metric, records each in an
/// <see cref="OptimizationRun"/> and returns the best. <see cref="CompileAsync{TProgram}"/> is
/// <see cref="OptimizeAsync{TProgram}"/> over a fresh in-memory run, so both entry points search the same way.
/// </summary>
public abstract class SearchOptimizer : Optimizer
{
    /// <summary>Creates the optimizer.</summary>
    /// <param name="metric">Scores the candidates.</param>
    private protected SearchOptimizer(Metric metric)
    {
        ArgumentNullException.ThrowIfNull(metric);
        Metric = metric;
    }

    /// <summary>The metric candidates are scored with.</summary>
    private protected Metric Metric { get; }

    /// <inheritdoc />
    /// <remarks>Runs <see cref="OptimizeAsync{TProgram}"/> with the optimizer's default scoring set and a new run, and returns its program.</remarks>
    public sealed override async Task<TProgram> CompileAsync<TProgram>(
        TProgram student,
        IReadOnlyList<Example> trainset,
        Func<TProgram, Example, RunContext, CancellationToken, Task<Prediction>> run,
        RunContext context,
        CancellationToken cancellationToken = default) =>
        (await OptimizeAsync(student, trainset, null, run, context, new OptimizationRun(), cancellationToken).ConfigureAwait(false)).Program;

    /// <inheritdoc />
    public abstract override Task<OptimizationResult<TProgram>> OptimizeAsync<TProgram>(
        TProgram student,
        IReadOnlyList<Example> trainset,
        IReadOnlyList<Example>? valset,
        Func<TProgram, Example, RunContext, CancellationToken, Task<Prediction>> run,
        RunContext context,
        OptimizationRun optimizationRun,
        CancellationToken cancellationToken = default);
}
