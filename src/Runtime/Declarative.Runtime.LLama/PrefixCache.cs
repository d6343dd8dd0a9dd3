using LLama;
using LLama.Native;

namespace Declarative.Runtime.LLama;

/// <summary>
/// Reuse of evaluated prompt prefixes in one llama.cpp context (sequence 0). The tokens whose keys and values are in
/// the KV cache are remembered: a prompt that starts with them evaluates only its new tail. When a call moves to a
/// different prompt (another program's system message and demos), the KV of the one it leaves is saved as a sequence
/// state in a least-recently-used list bounded in bytes, and loaded back when a later prompt shares more with it than
/// with what is resident. Not thread-safe: the chat client calls it under its lock.
/// </summary>
internal sealed class PrefixCache(LLamaContext context, long maxBytes, int minTokens) : IDisposable
{
    private static readonly LLamaSeqId Sequence = LLamaSeqId.Zero;
    private readonly List<LLamaToken> resident = [];
    private readonly LinkedList<Saved> saved = new();
    private long savedBytes;

    /// <summary>How many saved prefixes are held.</summary>
    public int SavedCount => saved.Count;

    /// <summary>
    /// Makes the KV cache hold a prefix of <paramref name="prompt"/> (leaving at least its last token to evaluate, so
    /// there are logits to sample from) and returns its length: the tokens that need no evaluation.
    /// </summary>
    public int Prepare(IReadOnlyList<LLamaToken> prompt, bool reuse)
    {
        if (!reuse)
        {
            Clear();
            return 0;
        }

        var keep = CommonPrefix(resident, prompt);
        Saved? best = null;
        var bestLength = keep;
        for (var node = saved.First; node is not null; node = node.Next)
        {
            var length = CommonPrefix(node.Value.Tokens, prompt);
            if (length > bestLength)
            {
                best = node.Value;
                bestLength = length;
            }
        }

        // Moving away from a resident prefix (most of it would be dropped, not just a tail after a shared start): keep
        // it for later calls that come back to it.
        if (maxBytes > 0 && resident.Count - keep >= minTokens && keep < resident.Count / 2)
        {
            Save();
        }

        if (best is not null)
        {
            context.NativeHandle.MemorySequenceRemove(Sequence, 0, -1);
            if (!Load(best.State))
            {
                // The state could not be restored (llama.cpp found no room): nothing of it is resident.
                context.NativeHandle.MemorySequenceRemove(Sequence, 0, -1);
                resident.Clear();
                EvictEntry(best);
                return 0;
            }

            resident.Clear();
            resident.AddRange(best.Tokens);
            saved.Remove(best);
            saved.AddFirst(best);
            keep = bestLength;
        }

        keep = Math.Min(keep, prompt.Count - 1);
        if (keep < resident.Count)
        {
            context.NativeHandle.MemorySequenceRemove(Sequence, keep, -1);
            resident.RemoveRange(keep, resident.Count - keep);
        }

        return keep;
    }

    /// <summary>Records tokens just evaluated into the KV cache after the resident ones.</summary>
    public void Append(IEnumerable<LLamaToken> tokens) => resident.AddRange(tokens);

    /// <summary>Forgets the resident tokens and clears the KV cache (after a failed decode, say).</summary>
    public void Clear()
    {
        context.NativeHandle.MemorySequenceRemove(Sequence, 0, -1);
        resident.Clear();
    }

    public void Dispose()
    {
        saved.Clear();
        savedBytes = 0;
    }

    private void Save()
    {
        var size = (long)context.NativeHandle.GetStateSize(Sequence);
        if (size > maxBytes)
        {
            return;
        }

        // A saved entry that shares the start of what is saved now is replaced, not kept beside it.
        for (var node = saved.First; node is not null;)
        {
            var next = node.Next;
            if (CommonPrefix(node.Value.Tokens, resident) >= minTokens)
            {
                Evict(node);
            }

            node = next;
        }

        while (savedBytes + size > maxBytes && saved.Last is { } last)
        {
            Evict(last);
        }

        var state = new byte[size];
        unsafe
        {
            fixed (byte* data = state)
            {
                if ((long)context.NativeHandle.GetState(data, (nuint)size, Sequence) != size)
                {
                    return;
                }
            }
        }

        saved.AddFirst(new Saved([.. resident], state, size));
        savedBytes += size;
    }

    /// <summary>Restores a saved sequence state into sequence 0 (empty before); whether llama.cpp took it.</summary>
    private unsafe bool Load(byte[] state)
    {
        fixed (byte* data = state)
        {
            return (long)context.NativeHandle.SetState(data, (nuint)state.Length, Sequence) == state.Length;
        }
    }

    private void Evict(LinkedListNode<Saved> node)
    {
        savedBytes -= node.Value.Bytes;
        saved.Remove(node);
    }

    private void EvictEntry(Saved entry)
    {
        var node = saved.Find(entry);
        if (node is not null)
        {
            Evict(node);
        }
    }

    private static int CommonPrefix(IReadOnlyList<LLamaToken> a, IReadOnlyList<LLamaToken> b)
    {
        var n = Math.Min(a.Count, b.Count);
        var i = 0;
        while (i < n && a[i] == b[i])
        {
            i++;
        }

        return i;
    }

    private sealed record Saved(LLamaToken[] Tokens, byte[] State, long Bytes);
}
