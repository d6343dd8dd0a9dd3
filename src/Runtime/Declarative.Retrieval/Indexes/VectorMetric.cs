namespace Declarative.Retrieval;

/// <summary>How vector indexes score a stored vector against a query (higher is closer).</summary>
public enum VectorMetric
{
    /// <summary>Cosine similarity: vectors are normalized when added and queries when searched, then compared by dot product.</summary>
    Cosine,

    /// <summary>The raw dot product (for vectors that are already normalized, or models trained for it).</summary>
    DotProduct,
}
