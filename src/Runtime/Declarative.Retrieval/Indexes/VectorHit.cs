namespace Declarative.Retrieval;

/// <summary>One result of a vector or keyword search.</summary>
/// <param name="Id">The stored item's id (for chunks, the chunk id).</param>
/// <param name="Score">The score: similarity for vector indexes, BM25 relevance (higher is better) for the keyword index, fused score for hybrid search.</param>
/// <param name="Metadata">The metadata stored with the item.</param>
public sealed record VectorHit(string Id, float Score, IReadOnlyDictionary<string, string> Metadata);
