using System.Diagnostics;
using Declarative.Pipeline;
using Declarative.Tracing;

namespace Declarative.Optimizers;

/// <summary>
/// Runs a program over a dataset and scores each prediction with a metric (DSPy's <c>Evaluate</c>), several examples
/// at once. Results come back in dataset order; an example whose program or metric throws gets
/// <see cref="EvaluateOptions.FailureScore"/> and its error, and is counted. Immutable and thread-safe.
/// </summary>
public sealed class Evaluator
{
    private readonly EvaluateOptions options;

    /// <summary>Creates an evaluator.</summary>
    /// <param name="options">The options (default: 8 at once, failure score 0).</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public Evaluator(EvaluateOptions? options = null)
    {
        this.options = options ?? new EvaluateOptions();
        this.options.Validate();
    }

    /// <summary>Evaluates a program given as a function of an example.</summary>
    /// <param name="program">Produces a prediction for an example (read its inputs with <see cref="Example.Inputs"/>).</param>
    /// <param name="devset">The examples.</param>
    /// <param name="metric">Scores each prediction.</param>
    /// <param name="cancellationToken">Cancels the evaluation; nothing is returned then.</param>
    /// <returns>The score in percent and one row per example.</returns>
    public async Task<EvaluationResult> EvaluateAsync(
        Func<Example, CancellationToken, Task<Prediction>> program,
        IReadOnlyList<Example> devset,
        Metric metric,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(program);
        ArgumentNullException.ThrowIfNull(devset);
        ArgumentNullException.ThrowIfNull(metric);
        using var activity = DeclarativeDiagnostics.StartProgram("evaluate");
        activity?.SetTag("declarative.evaluate.examples", devset.Count);

        var rows = new EvaluationRow[devset.Count];
        var gate = new object();
        var completed = 0;
        var errors = 0;
        var sum = 0.0;
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = options.MaxParallelism, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(Enumerable.Range(0, devset.Count), parallel, async (index, ct) =>
        {
            var row = await RunOneAsync(program, metric, index, devset[index], ct).ConfigureAwait(false);
            rows[index] = row;
            EvaluationProgress progress;
            lock (gate)
            {
                completed++;
                sum += row.Score;
                errors += row.Error is null ? 0 : 1;
                progress = new EvaluationProgress(completed, devset.Count, sum, errors);
            }

            options.Progress?.Report(progress);
        }).ConfigureAwait(false);

        var result = new EvaluationResult(rows);
        activity?.SetTag("declarative.evaluate.score", result.Score);
        activity?.SetTag("declarative.evaluate.errors", result.ErrorCount);
        return result;
    }

    /// <summary>Evaluates one predictor: each example's inputs go to <paramref name="predict"/>.</summary>
    /// <param name="predict">The predictor.</param>
    /// <param name="context">What it runs with.</param>
    /// <param name="devset">The examples; each must have its inputs marked.</param>
    /// <param name="metric">Scores each prediction.</param>
    /// <param name="cancellationToken">Cancels the evaluation.</param>
    /// <returns>The score in percent and one row per example.</returns>
    public Task<EvaluationResult> EvaluateAsync(Predict predict, RunContext context, IReadOnlyList<Example> devset, Metric metric, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(predict);
        ArgumentNullException.ThrowIfNull(context);
        CheckInputs(devset);
        return EvaluateAsync((e, ct) => predict.InvokeAsync(e.Inputs(), context, cancellationToken: ct), devset, metric, cancellationToken);
    }

    /// <summary>Evaluates a chain-of-thought predictor: each example's inputs go to <paramref name="module"/>.</summary>
    /// <param name="module">The predictor.</param>
    /// <param name="context">What it runs with.</param>
    /// <param name="devset">The examples; each must have its inputs marked.</param>
    /// <param name="metric">Scores each prediction.</param>
    /// <param name="cancellationToken">Cancels the evaluation.</param>
    /// <returns>The score in percent and one row per example.</returns>
    public Task<EvaluationResult> EvaluateAsync(ChainOfThought module, RunContext context, IReadOnlyList<Example> devset, Metric metric, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(context);
        CheckInputs(devset);
        return EvaluateAsync((e, ct) => module.InvokeAsync(e.Inputs(), context, cancellationToken: ct), devset, metric, cancellationToken);
    }

    private static void CheckInputs(IReadOnlyList<Example> devset)
    {
        ArgumentNullException.ThrowIfNull(devset);
        for (var i = 0; i < devset.Count; i++)
        {
            if (devset[i].InputKeys.Count == 0)
            {
                throw new ArgumentException($"Example {i} has no inputs marked; load the dataset with input keys or call WithInputs(...) on each example.", nameof(devset));
            }
        }
    }

    private async Task<EvaluationRow> RunOneAsync(Func<Example, CancellationToken, Task<Prediction>> program, Metric metric, int index, Example example, CancellationToken cancellationToken)
    {
        Prediction? prediction = null;
        try
        {
            prediction = await program(example, cancellationToken).ConfigureAwait(false)
                ?? throw new InvalidOperationException("The program returned no prediction.");
            var result = await metric(example, prediction, cancellationToken).ConfigureAwait(false);
            return new EvaluationRow(index, example, prediction, result.Score, result.Feedback, null);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (BudgetExceededException)
        {
            throw; // a spent budget ends the whole run; it is not this example's failure
        }
        catch (Exception ex)
        {
            Activity.Current?.AddEvent(new ActivityEvent("evaluate.example_failed", tags: new ActivityTagsCollection { ["index"] = index, ["error"] = ex.Message }));
            return new EvaluationRow(index, example, prediction, options.FailureScore, null, $"{ex.GetType().Name}: {ex.Message}");
        }
    }
}
