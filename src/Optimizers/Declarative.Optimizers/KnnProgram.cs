namespace Declarative.Optimizers;

/// <summary>
/// A program made by <see cref="KnnFewShot"/>: each call compiles a copy of the student on the training examples
/// nearest to the call's inputs, then runs that copy.
/// </summary>
/// <typeparam name="TProgram">The wrapped program's type.</typeparam>
/// <remarks>The student it wraps is a private copy; calls never change it, so the program is thread-safe.</remarks>
public sealed class KnnProgram<TProgram>
    where TProgram : Module
{
    private readonly KnnFewShot optimizer;
    private readonly TProgram student;
    private readonly TProgram? teacher;
    private readonly Func<TProgram, Example, RunContext, CancellationToken, Task<Prediction>> run;

    internal KnnProgram(KnnFewShot optimizer, TProgram student, TProgram? teacher, Func<TProgram, Example, RunContext, CancellationToken, Task<Prediction>> run)
    {
        this.optimizer = optimizer;
        this.student = student;
        this.teacher = teacher;
        this.run = run;
    }

    /// <summary>Compiles the student on the neighbours of <paramref name="inputs"/>, without running it.</summary>
    /// <param name="inputs">The query, with its inputs marked.</param>
    /// <param name="context">The client and adapter bootstrapping runs with.</param>
    /// <param name="cancellationToken">Cancels the compilation.</param>
    /// <returns>A new copy of the student with demos from the neighbours.</returns>
    /// <exception cref="OptimizationException">Bootstrapping failed, or the embedding generator misbehaved.</exception>
    public Task<TProgram> CompileForAsync(Example inputs, RunContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(context);
        return optimizer.CompileForAsync(student, teacher, inputs, run, context, cancellationToken);
    }

    /// <summary>Answers <paramref name="inputs"/> with the student compiled on their neighbours.</summary>
    /// <param name="inputs">The query, with its inputs marked.</param>
    /// <param name="context">The client and adapter to run with.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The compiled program's prediction.</returns>
    /// <exception cref="OptimizationException">Bootstrapping failed, or the embedding generator misbehaved.</exception>
    public async Task<Prediction> InvokeAsync(Example inputs, RunContext context, CancellationToken cancellationToken = default)
    {
        var compiled = await CompileForAsync(inputs, context, cancellationToken).ConfigureAwait(false);
        return await run(compiled, inputs, context, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Answers input values (all of them inputs) with the student compiled on their neighbours.</summary>
    /// <param name="inputs">The input values.</param>
    /// <param name="context">The client and adapter to run with.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The compiled program's prediction.</returns>
    /// <exception cref="OptimizationException">Bootstrapping failed, or the embedding generator misbehaved.</exception>
    public Task<Prediction> InvokeAsync(IReadOnlyDictionary<string, object?> inputs, RunContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        return InvokeAsync(new Example(inputs, inputs.Keys), context, cancellationToken);
    }
}
