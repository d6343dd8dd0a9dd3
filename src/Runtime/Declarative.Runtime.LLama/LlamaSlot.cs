using LLama.Native;

namespace Declarative.Runtime.LLama;

/// <summary>
/// A sequence of the shared llama.cpp context. Between requests it keeps the tokens whose keys and values are still in
/// the KV cache, so a request whose prompt starts with them evaluates only its new tail.
/// </summary>
internal sealed class LlamaSlot(int sequence)
{
    public LLamaSeqId Sequence { get; } = (LLamaSeqId)sequence;

    /// <summary>The tokens evaluated into this sequence, in order from position 0.</summary>
    public List<LLamaToken> Resident { get; } = [];

    /// <summary>The job running in it, or null when idle.</summary>
    public LlamaJob? Job { get; set; }

    /// <summary>When it was last given a job (for evicting idle prefixes, least recently used first).</summary>
    public long LastUsed { get; set; }

    /// <summary>Drops this sequence's KV cells from <paramref name="from"/> on.</summary>
    public void Truncate(SafeLLamaContextHandle context, int from)
    {
        if (from < Resident.Count)
        {
            context.MemorySequenceRemove(Sequence, from, -1);
            Resident.RemoveRange(from, Resident.Count - from);
        }
    }

    public static int CommonPrefix(IReadOnlyList<LLamaToken> a, IReadOnlyList<LLamaToken> b)
    {
        var n = Math.Min(a.Count, b.Count);
        var i = 0;
        while (i < n && a[i] == b[i])
        {
            i++;
        }

        return i;
    }
}
