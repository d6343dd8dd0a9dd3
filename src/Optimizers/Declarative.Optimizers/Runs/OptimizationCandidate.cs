namespace Declarative.Optimizers;

/// <summary>One program an optimizer scored.</summary>
/// <param name="Index">The candidate's number in its run, from 0, unique and deterministic (the resume key).</param>
/// <param name="Label">What the candidate is, for people: <c>"seed -1"</c>, <c>"trial 7"</c>, <c>"instruction 2/3"</c>.</param>
/// <param name="Score">Its score in percent on the examples it was scored on.</param>
/// <param name="FullEvaluation">
/// <see langword="true"/> when scored on the whole validation set; <see langword="false"/> for a minibatch score,
/// which never beats a full one when choosing the best.
/// </param>
/// <param name="State">The candidate's program state (demos and instructions of every predictor).</param>
/// <param name="Details">Optimizer-specific columns for the candidate table (for example the chosen instruction and demo-set indices).</param>
public sealed record OptimizationCandidate(
    int Index,
    string Label,
    double Score,
    bool FullEvaluation,
    ProgramState State,
    IReadOnlyDictionary<string, string> Details);
