namespace Declarative.Retrieval;

/// <summary>An LM-judged score with the items the LM judged and its verdict on each, so a score can be explained.</summary>
/// <param name="Score">The score, 0 to 1; <see cref="double.NaN"/> when there was nothing to judge (as RAGAS does).</param>
/// <param name="Items">What was judged: contexts, reference statements, answer claims, or generated questions.</param>
/// <param name="Verdicts">One verdict per item (for answer relevancy: whether the generated question was compared).</param>
public sealed record JudgedScore(double Score, IReadOnlyList<string> Items, IReadOnlyList<bool> Verdicts);
