namespace Declarative.Optimizers;

/// <summary>What happened in an optimization run.</summary>
public enum OptimizationEventKind
{
    /// <summary>A step ran and was recorded.</summary>
    StepCompleted,

    /// <summary>A step's result came from the journal of an earlier, interrupted run.</summary>
    StepReplayed,

    /// <summary>A candidate was scored and recorded.</summary>
    CandidateScored,

    /// <summary>A candidate came from the journal of an earlier, interrupted run.</summary>
    CandidateReplayed,
}

/// <summary>A progress event of an <see cref="OptimizationRun"/>.</summary>
/// <param name="Kind">What happened.</param>
/// <param name="Name">The step key or the candidate label.</param>
/// <param name="Candidate">The candidate, for candidate events.</param>
public sealed record OptimizationEvent(OptimizationEventKind Kind, string Name, OptimizationCandidate? Candidate);
