namespace Declarative.Optimizers;

/// <summary>Programs combined by <see cref="Ensemble"/>: each call runs them and reduces their predictions to one.</summary>
/// <typeparam name="TProgram">The programs' type.</typeparam>
public sealed class EnsembledProgram<TProgram>
    where TProgram : Module
{
    private readonly Func<TProgram, Example, RunContext, CancellationToken, Task<Prediction>> run;
    private readonly Func<IReadOnlyList<Prediction>, Prediction> reduce;
    private readonly int? size;
    private readonly Random random;
    private readonly object gate = new();

    internal EnsembledProgram(
        IReadOnlyList<TProgram> programs,
        Func<TProgram, Example, RunContext, CancellationToken, Task<Prediction>> run,
        Func<IReadOnlyList<Prediction>, Prediction> reduce,
        int? size,
        int seed)
    {
        Programs = programs;
        this.run = run;
        this.reduce = reduce;
        this.size = size;
        random = new Random(seed);
    }

    /// <summary>The combined programs (copies of those given).</summary>
    public IReadOnlyList<TProgram> Programs { get; }

    /// <summary>Runs the programs (or a seeded sample of them) on <paramref name="example"/>, in order, and reduces their predictions.</summary>
    /// <param name="example">The example; its inputs are what the programs read.</param>
    /// <param name="context">The client and adapter to run with.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The reduced prediction.</returns>
    public async Task<Prediction> InvokeAsync(Example example, RunContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(example);
        ArgumentNullException.ThrowIfNull(context);
        IReadOnlyList<TProgram> chosen = Programs;
        if (size is { } n)
        {
            lock (gate)
            {
                chosen = ProgramDemos.Sample(random, Programs, n);
            }
        }

        var predictions = new List<Prediction>(chosen.Count);
        foreach (var program in chosen)
        {
            predictions.Add(await run(program, example, context, cancellationToken).ConfigureAwait(false));
        }

        return reduce(predictions);
    }
}
