using LLama.Native;

namespace Declarative.Runtime.LLama;

/// <summary>
/// Prompt prefixes saved out of the KV cache: when a slot moves to a different prompt (another program's system
/// message and demos), the sequence state of the one it leaves is copied here, in a least-recently-used list bounded
/// in bytes, and loaded back into whichever slot later gets a prompt that shares more with it than with what is
/// resident. Used only from the scheduler's loop.
/// </summary>
internal sealed class SavedPrefixes(long maxBytes, int minTokens)
{
    private readonly LinkedList<Entry> entries = new();
    private long bytes;

    public int Count => entries.Count;

    /// <summary>The saved prefix sharing the most tokens with <paramref name="prompt"/>, if it shares more than <paramref name="better"/>.</summary>
    public (LLamaToken[] Tokens, byte[] State, int Shared)? Best(IReadOnlyList<LLamaToken> prompt, int better)
    {
        Entry? best = null;
        var length = better;
        foreach (var entry in entries)
        {
            var shared = LlamaSlot.CommonPrefix(entry.Tokens, prompt);
            if (shared > length)
            {
                best = entry;
                length = shared;
            }
        }

        if (best is null)
        {
            return null;
        }

        entries.Remove(best);
        entries.AddFirst(best);
        return (best.Tokens, best.State, length);
    }

    /// <summary>Saves the slot's resident prefix when it is about to lose most of it to a prompt that shares only <paramref name="keep"/> tokens.</summary>
    public void SaveIfLeaving(SafeLLamaContextHandle context, LlamaSlot slot, int keep)
    {
        var resident = slot.Resident;
        if (maxBytes <= 0 || resident.Count - keep < minTokens || keep >= resident.Count / 2)
        {
            return;
        }

        var size = (long)context.GetStateSize(slot.Sequence);
        if (size > maxBytes)
        {
            return;
        }

        // A saved entry that shares the start of what is saved now is replaced, not kept beside it.
        for (var node = entries.First; node is not null;)
        {
            var next = node.Next;
            if (LlamaSlot.CommonPrefix(node.Value.Tokens, resident) >= minTokens)
            {
                Remove(node);
            }

            node = next;
        }

        while (bytes + size > maxBytes && entries.Last is { } last)
        {
            Remove(last);
        }

        var state = new byte[size];
        unsafe
        {
            fixed (byte* data = state)
            {
                if ((long)context.GetState(data, (nuint)size, slot.Sequence) != size)
                {
                    return;
                }
            }
        }

        entries.AddFirst(new Entry([.. resident], state));
        bytes += size;
    }

    /// <summary>Restores a saved state into an empty sequence; whether llama.cpp took it.</summary>
    public static unsafe bool Load(SafeLLamaContextHandle context, byte[] state, LLamaSeqId sequence)
    {
        fixed (byte* data = state)
        {
            return (long)context.SetState(data, (nuint)state.Length, sequence) == state.Length;
        }
    }

    private void Remove(LinkedListNode<Entry> node)
    {
        bytes -= node.Value.State.Length;
        entries.Remove(node);
    }

    private sealed record Entry(LLamaToken[] Tokens, byte[] State);
}
