namespace Declarative.Optimizers;

/// <summary>What an optimization run produced.</summary>
/// <typeparam name="TProgram">The program's type.</typeparam>
/// <param name="Program">The best program found (the student's copy with the best candidate's state).</param>
/// <param name="Score">The best candidate's score in percent; <see langword="null"/> when no candidate was scored.</param>
/// <param name="IsPartial">
/// <see langword="true"/> when the run stopped early (a budget ran out) and <paramref name="Program"/> is the best so far.
/// </param>
/// <param name="StopReason">Why a partial run stopped (the budget message); <see langword="null"/> for a complete run.</param>
/// <param name="Candidates">Every candidate scored, in order.</param>
public sealed record OptimizationResult<TProgram>(
    TProgram Program,
    double? Score,
    bool IsPartial,
    string? StopReason,
    IReadOnlyList<OptimizationCandidate> Candidates)
    where TProgram : Module;
