namespace Declarative.Optimizers;

/// <summary>
/// Scores one prediction against its example (DSPy's metric function). Build one with <see cref="Metrics"/> or write
/// your own; it may be called concurrently, so keep it free of shared mutable state.
/// </summary>
/// <param name="example">The example, with its labels.</param>
/// <param name="prediction">What the program produced for the example's inputs.</param>
/// <param name="cancellationToken">Cancels the scoring (an LM-judged metric calls a model).</param>
/// <returns>The score, usually between 0 and 1, and optional feedback.</returns>
public delegate ValueTask<MetricResult> Metric(Example example, Prediction prediction, CancellationToken cancellationToken);
