namespace Declarative.Optimizers;

/// <summary>One predictor call of a rollout: the predictor's name in the program, its inputs and its outputs.</summary>
/// <param name="Predictor">The predictor's name in the program (as <see cref="Module.NamedPredictors"/> gives it).</param>
/// <param name="Inputs">The input values.</param>
/// <param name="Outputs">The output values.</param>
internal sealed record TracedCall(string Predictor, IReadOnlyDictionary<string, object?> Inputs, IReadOnlyDictionary<string, object?> Outputs);

/// <summary>One program run on one example, scored: what the search optimizers record and learn from.</summary>
/// <param name="Example">The example's position in the set it was drawn from.</param>
/// <param name="Score">The metric's score, or 0 when the program or metric threw.</param>
/// <param name="Feedback">The metric's feedback, if any.</param>
/// <param name="Error">The error when the program or metric threw; otherwise <see langword="null"/>.</param>
/// <param name="Outputs">The prediction's output values (empty when the program threw).</param>
/// <param name="Calls">The predictor calls, when traces were recorded; otherwise empty.</param>
internal sealed record Rollout(
    int Example,
    double Score,
    string? Feedback,
    string? Error,
    IReadOnlyDictionary<string, object?> Outputs,
    IReadOnlyList<TracedCall> Calls);
