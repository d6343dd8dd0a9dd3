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
