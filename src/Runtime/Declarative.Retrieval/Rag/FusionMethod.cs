namespace Declarative.Retrieval;

/// <summary>How <see cref="HybridRetriever"/> merges its retrievers' lists.</summary>
public enum FusionMethod
{
    /// <summary>Reciprocal-rank fusion (<see cref="ScoreFusion.ReciprocalRank"/>): uses ranks only, robust to score scales.</summary>
    ReciprocalRank,

    /// <summary>Weighted fusion of min-max normalized scores (<see cref="ScoreFusion.Weighted"/>).</summary>
    Weighted,
}
