namespace Declarative.Runtime.LLama;

/// <summary>The running counters behind <see cref="LlamaClientStatistics"/>; written by the scheduler's loop, read by anyone.</summary>
internal sealed class LlamaCounters
{
    private long batches;
    private long evaluated;
    private long reused;
    private int widest;
    private long proposed;
    private long accepted;

    public void Batch(int tokens, int sequences)
    {
        Interlocked.Increment(ref batches);
        Interlocked.Add(ref evaluated, tokens);
        if (sequences > Volatile.Read(ref widest))
        {
            Volatile.Write(ref widest, sequences);
        }
    }

    public void Reused(int tokens) => Interlocked.Add(ref reused, tokens);

    public void Drafts(int proposedTokens, int acceptedTokens)
    {
        Interlocked.Add(ref proposed, proposedTokens);
        Interlocked.Add(ref accepted, acceptedTokens);
    }

    public LlamaClientStatistics Snapshot() => new(
        Interlocked.Read(ref batches), Interlocked.Read(ref evaluated), Interlocked.Read(ref reused), Volatile.Read(ref widest),
        Interlocked.Read(ref proposed), Interlocked.Read(ref accepted));
}
