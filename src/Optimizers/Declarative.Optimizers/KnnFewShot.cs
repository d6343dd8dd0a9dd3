using Microsoft.Extensions.AI;

namespace Declarative.Optimizers;

/// <summary>
/// Few-shot learning from the nearest training examples (DSPy's <c>KNNFewShot</c>): at each call the query's inputs are
/// embedded, the <c>k</c> training examples with the most similar inputs (cosine similarity) are found, and
/// <see cref="BootstrapFewShot"/> compiles the student on just those before it answers.
/// </summary>
/// <remarks>
/// Embeddings are of "key: value" pairs of the input fields joined by " | " (as DSPy). The training set is embedded
/// once, on the first call, and reused; equal similarities are ranked in training order. Without a metric every
/// teacher run is kept (as DSPy's <c>BootstrapFewShot</c> with no metric). The optimizer is thread-safe.
/// </remarks>
public sealed class KnnFewShot
{
    private static readonly Metric AcceptAll = static (_, _, _) => ValueTask.FromResult<MetricResult>(1.0);

    private readonly KnnIndex index;
    private readonly BootstrapFewShot bootstrap;

    /// <summary>Creates the optimizer.</summary>
    /// <param name="k">How many nearest training examples each call compiles on; at least 1.</param>
    /// <param name="embedder">Embeds the inputs of the training examples and of each query.</param>
    /// <param name="trainset">The training examples, with their inputs marked; it is copied.</param>
    /// <param name="metric">Decides which teacher runs become demos; <see langword="null"/> keeps them all.</param>
    /// <param name="options">The <see cref="BootstrapFewShot"/> settings used on the neighbours (default: DSPy's).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="k"/> or a setting is out of range.</exception>
    /// <exception cref="ArgumentException">A training example is null.</exception>
    public KnnFewShot(
        int k,
        IEmbeddingGenerator<string, Embedding<float>> embedder,
        IReadOnlyList<Example> trainset,
        Metric? metric = null,
        BootstrapFewShotOptions? options = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        ArgumentNullException.ThrowIfNull(embedder);
        ArgumentNullException.ThrowIfNull(trainset);
        if (trainset.Any(e => e is null))
        {
            throw new ArgumentException("A training example is null; remove it from the training set.", nameof(trainset));
        }

        bootstrap = new BootstrapFewShot(metric ?? AcceptAll, options);
        index = new KnnIndex(k, [.. trainset], embedder);
    }

    /// <summary>Finds the training examples nearest to some inputs, most similar first.</summary>
    /// <param name="inputs">The query's input values.</param>
    /// <param name="cancellationToken">Cancels the embedding calls.</param>
    /// <returns>At most k training examples.</returns>
    /// <exception cref="OptimizationException">The embedding generator returned the wrong number or size of vectors.</exception>
    public Task<IReadOnlyList<Example>> FindNeighborsAsync(IReadOnlyDictionary<string, object?> inputs, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        return index.NearestAsync(inputs, cancellationToken);
    }

    /// <summary>Wraps <paramref name="student"/> in a program that compiles it on the query's neighbours at each call.</summary>
    /// <typeparam name="TProgram">The program's type.</typeparam>
    /// <param name="student">The program to optimize; it is copied and never changed.</param>
    /// <param name="run">Runs a program on one example with a context.</param>
    /// <param name="teacher">The program whose runs become demos, or <see langword="null"/> (see <see cref="BootstrapFewShot"/>); it is copied.</param>
    /// <returns>The wrapping program.</returns>
    public KnnProgram<TProgram> Compile<TProgram>(
        TProgram student,
        Func<TProgram, Example, RunContext, CancellationToken, Task<Prediction>> run,
        TProgram? teacher = null)
        where TProgram : Module
    {
        ArgumentNullException.ThrowIfNull(student);
        ArgumentNullException.ThrowIfNull(run);
        return new KnnProgram<TProgram>(this, (TProgram)student.Clone(), (TProgram?)teacher?.Clone(), run);
    }

    /// <summary>Wraps a single predictor, run with <see cref="Predict.InvokeAsync"/> on each example's inputs.</summary>
    /// <param name="student">The predictor to optimize; it is copied and never changed.</param>
    /// <returns>The wrapping program.</returns>
    public KnnProgram<Predict> Compile(Predict student) => Compile(student, Optimizer.RunPredict);

    /// <summary>Compiles <paramref name="student"/> on the neighbours of <paramref name="query"/> (one call of a <see cref="KnnProgram{TProgram}"/>).</summary>
    internal async Task<TProgram> CompileForAsync<TProgram>(
        TProgram student,
        TProgram? teacher,
        Example query,
        Func<TProgram, Example, RunContext, CancellationToken, Task<Prediction>> run,
        RunContext context,
        CancellationToken cancellationToken)
        where TProgram : Module
    {
        var neighbors = await index.NearestAsync(query.Where(p => query.InputKeys.Contains(p.Key)), cancellationToken).ConfigureAwait(false);
        return await bootstrap.CompileAsync(student, neighbors, run, context, teacher, cancellationToken).ConfigureAwait(false);
    }
}
