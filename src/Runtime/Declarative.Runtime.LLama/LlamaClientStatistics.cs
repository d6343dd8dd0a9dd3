namespace Declarative.Runtime.LLama;

/// <summary>
/// Counters of a local chat client since it was made, for monitoring and tuning (from
/// <c>client.GetService&lt;LlamaClientStatistics&gt;()</c>; a snapshot, not updated afterwards).
/// </summary>
/// <param name="Batches">llama.cpp batches decoded.</param>
/// <param name="TokensEvaluated">Tokens evaluated in them (prompt tails, replies, drafts).</param>
/// <param name="PromptTokensReused">Prompt tokens served from the KV cache instead of evaluated.</param>
/// <param name="MostSequencesInOneBatch">The most requests that shared one batch.</param>
/// <param name="DraftTokensProposed">Tokens proposed by speculative drafting.</param>
/// <param name="DraftTokensAccepted">Of those, the ones the model's own choice confirmed.</param>
public sealed record LlamaClientStatistics(
    long Batches,
    long TokensEvaluated,
    long PromptTokensReused,
    int MostSequencesInOneBatch,
    long DraftTokensProposed,
    long DraftTokensAccepted);
