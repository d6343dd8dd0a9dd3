using System.Text.Json.Nodes;

namespace Declarative.Optimizers;

/// <summary>Where an <see cref="OptimizationRun"/> keeps its steps and candidates (a file for resumable runs).</summary>
internal interface IOptimizationJournal
{
    /// <summary>The steps recorded before this process opened the journal, in order.</summary>
    IReadOnlyList<KeyValuePair<string, JsonNode?>> Steps { get; }

    /// <summary>The candidates recorded before this process opened the journal, in order.</summary>
    IReadOnlyList<OptimizationCandidate> Candidates { get; }

    /// <summary>Records a finished step durably before returning.</summary>
    Task AppendStepAsync(string key, JsonNode? result, CancellationToken cancellationToken);

    /// <summary>Records a scored candidate durably before returning.</summary>
    Task AppendCandidateAsync(OptimizationCandidate candidate, CancellationToken cancellationToken);
}
