using Declarative.Pipeline;

namespace Declarative.Optimizers;

/// <summary>
/// Compiles a program: finds demonstrations (and, in later optimizers, instructions) for its predictors from a
/// training set and returns a NEW program; the student is never changed (DSPy's <c>Teleprompter</c>).
/// </summary>
/// <remarks>
/// A program is any <see cref="Module"/>; its predictors are found with <see cref="Module.NamedPredictors"/>. How the
/// program is run on one example is given as a delegate, so programs with any calling convention can be optimized;
/// for a single <see cref="Predict"/> use the overload that needs none. Optimizers are immutable and thread-safe.
/// </remarks>
public abstract class Optimizer
{
    /// <summary>Compiles <paramref name="student"/> into a new program.</summary>
    /// <typeparam name="TProgram">The program's type.</typeparam>
    /// <param name="student">The program to optimize; it is not changed.</param>
    /// <param name="trainset">The training examples, with their inputs marked.</param>
    /// <param name="run">Runs a program on one example's inputs with a context (optimizers pass a context that records traces).</param>
    /// <param name="context">The client and adapter to run with.</param>
    /// <param name="cancellationToken">Cancels the compilation.</param>
    /// <returns>The compiled program, a copy of the student.</returns>
    public abstract Task<TProgram> CompileAsync<TProgram>(
        TProgram student,
        IReadOnlyList<Example> trainset,
        Func<TProgram, Example, RunContext, CancellationToken, Task<Prediction>> run,
        RunContext context,
        CancellationToken cancellationToken = default)
        where TProgram : Module;

    /// <summary>
    /// Optimizes <paramref name="student"/> within an <see cref="OptimizationRun"/>: steps and scored candidates are
    /// journaled in <paramref name="optimizationRun"/> (so a run over a file journal resumes after a crash), and when a
    /// budget of the client pipeline runs out (<see cref="BudgetExceededException"/>) the run stops cleanly and returns
    /// the best candidate so far, marked partial.
    /// </summary>
    /// <typeparam name="TProgram">The program's type.</typeparam>
    /// <param name="student">The program to optimize; it is not changed.</param>
    /// <param name="trainset">The training examples, with their inputs marked.</param>
    /// <param name="valset">The examples candidates are scored on; <see langword="null"/> for the optimizer's default.</param>
    /// <param name="run">Runs a program on one example with a context.</param>
    /// <param name="context">The client and adapter to run with.</param>
    /// <param name="optimizationRun">The run's journal, candidate table and progress.</param>
    /// <param name="cancellationToken">Cancels the run (nothing is returned then; the journal keeps what finished).</param>
    /// <returns>The best program, its score and the candidate table.</returns>
    /// <remarks>
    /// The base implementation compiles with <see cref="CompileAsync{TProgram}"/> and records nothing (a spent budget
    /// returns the unchanged student, marked partial); optimizers that score candidates override it.
    /// </remarks>
    public virtual async Task<OptimizationResult<TProgram>> OptimizeAsync<TProgram>(
        TProgram student,
        IReadOnlyList<Example> trainset,
        IReadOnlyList<Example>? valset,
        Func<TProgram, Example, RunContext, CancellationToken, Task<Prediction>> run,
        RunContext context,
        OptimizationRun optimizationRun,
        CancellationToken cancellationToken = default)
        where TProgram : Module
    {
        ArgumentNullException.ThrowIfNull(optimizationRun);
        try
        {
            var program = await CompileAsync(student, trainset, run, context, cancellationToken).ConfigureAwait(false);
            return new OptimizationResult<TProgram>(program, null, false, null, []);
        }
        catch (BudgetExceededException ex)
        {
            return Partial(student, optimizationRun, ex);
        }
    }

    /// <summary>
    /// Runs a search optimizer's work under the run contract: checks the arguments every search takes, then returns
    /// <see cref="Finished{TProgram}"/> when <paramref name="search"/> completes, or <see cref="Partial{TProgram}"/> when
    /// a budget of the client pipeline runs out.
    /// </summary>
    private protected static async Task<OptimizationResult<TProgram>> SearchWithinBudgetAsync<TProgram>(
        TProgram student,
        IReadOnlyList<Example> trainset,
        Func<TProgram, Example, RunContext, CancellationToken, Task<Prediction>> run,
        RunContext context,
        OptimizationRun optimizationRun,
        Func<Task> search)
        where TProgram : Module
    {
        CheckArguments(student, trainset);
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(optimizationRun);
        try
        {
            await search().ConfigureAwait(false);
            return Finished(student, optimizationRun);
        }
        catch (BudgetExceededException ex)
        {
            return Partial(student, optimizationRun, ex);
        }
    }

    /// <summary>The result of a finished run: the student with the best candidate's state.</summary>
    /// <typeparam name="TProgram">The program's type.</typeparam>
    /// <param name="student">The student.</param>
    /// <param name="optimizationRun">The run.</param>
    /// <returns>The result, not partial.</returns>
    private protected static OptimizationResult<TProgram> Finished<TProgram>(TProgram student, OptimizationRun optimizationRun)
        where TProgram : Module
    {
        var best = optimizationRun.Best ?? throw new InvalidOperationException("The run scored no candidate.");
        return new OptimizationResult<TProgram>(student.WithState(best.State), best.Score, false, null, optimizationRun.Candidates);
    }

    /// <summary>
    /// The result of a run stopped by a budget: the best candidate so far, or the unchanged student (a copy) when none
    /// was scored, marked partial with the budget's message.
    /// </summary>
    /// <typeparam name="TProgram">The program's type.</typeparam>
    /// <param name="student">The student.</param>
    /// <param name="optimizationRun">The run.</param>
    /// <param name="reason">The exception that stopped it.</param>
    /// <returns>The partial result.</returns>
    private protected static OptimizationResult<TProgram> Partial<TProgram>(TProgram student, OptimizationRun optimizationRun, BudgetExceededException reason)
        where TProgram : Module
    {
        ArgumentNullException.ThrowIfNull(reason);
        var best = optimizationRun.Best;
        var program = best is null ? (TProgram)student.Clone() : student.WithState(best.State);
        return new OptimizationResult<TProgram>(program, best?.Score, true, reason.Message, optimizationRun.Candidates);
    }

    /// <summary>Compiles a single predictor, run with <see cref="Predict.InvokeAsync"/> on each example's inputs.</summary>
    /// <param name="student">The predictor to optimize; it is not changed.</param>
    /// <param name="trainset">The training examples, with their inputs marked.</param>
    /// <param name="context">The client and adapter to run with.</param>
    /// <param name="cancellationToken">Cancels the compilation.</param>
    /// <returns>The compiled predictor.</returns>
    public Task<Predict> CompileAsync(Predict student, IReadOnlyList<Example> trainset, RunContext context, CancellationToken cancellationToken = default) =>
        CompileAsync(student, trainset, RunPredict, context, cancellationToken);

    /// <summary>Runs a predictor on an example's inputs.</summary>
    /// <param name="predict">The predictor.</param>
    /// <param name="example">The example.</param>
    /// <param name="context">The context.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The prediction.</returns>
    public static Task<Prediction> RunPredict(Predict predict, Example example, RunContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(predict);
        ArgumentNullException.ThrowIfNull(example);
        return predict.InvokeAsync(example.Inputs(), context, null, cancellationToken);
    }

    /// <summary>Checks the arguments every optimizer takes.</summary>
    private protected static void CheckArguments<TProgram>(TProgram student, IReadOnlyList<Example> trainset)
        where TProgram : Module
    {
        ArgumentNullException.ThrowIfNull(student);
        ArgumentNullException.ThrowIfNull(trainset);
        for (var i = 0; i < trainset.Count; i++)
        {
            if (trainset[i] is null)
            {
                throw new ArgumentException($"Training example {i} is null; remove it from the training set.", nameof(trainset));
            }
        }
    }
}
