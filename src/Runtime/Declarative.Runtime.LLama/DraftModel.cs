using LLama;
using LLama.Native;

namespace Declarative.Runtime.LLama;

/// <summary>
/// A smaller model that drafts tokens for speculative decoding: one context with a sequence per slot of the target's,
/// kept in step with each reply lazily (the draft sequence is cut back to what it shares with the reply and the rest
/// evaluated), then asked for a few greedy tokens under the same grammar. Used only from the scheduler's loop.
/// </summary>
internal sealed class DraftModel : IDisposable
{
    private readonly LlamaModel draft;
    private readonly LLamaContext context;
    private readonly List<LLamaToken>[] resident;
    private readonly int batchSize;

    public DraftModel(LlamaModel draft, LlamaModel target)
    {
        this.draft = draft;
        var parameters = draft.ContextParams();
        parameters.ContextSize = (uint)target.Options.ContextSize;
        parameters.SeqMax = (uint)target.Options.ParallelSequences;
        context = draft.Weights.CreateContext(parameters);
        resident = Enumerable.Range(0, target.Options.ParallelSequences).Select(_ => new List<LLamaToken>()).ToArray();
        batchSize = draft.Options.BatchSize;
    }

    /// <summary>
    /// Up to <paramref name="count"/> greedy draft tokens following <paramref name="history"/> in the slot's sequence,
    /// each allowed by <paramref name="sampler"/>'s grammar (the caller advances and rolls back the matcher through
    /// <paramref name="advance"/>); fewer when the draft model ends or runs out of room.
    /// </summary>
    public List<LLamaToken> Propose(LLamaSeqId sequence, IReadOnlyList<LLamaToken> history, int count, TokenMaskSamplingPipeline sampler, Func<int, bool> advance)
    {
        var drafts = new List<LLamaToken>();
        var mine = resident[(int)sequence];
        var keep = Math.Min(LlamaSlot.CommonPrefix(mine, history), history.Count - 1);
        Cut(sequence, keep);
        var batch = new LLamaBatch();
        try
        {
            // Evaluate what the draft sequence lacks of the reply, the last token with logits.
            for (var start = keep; start < history.Count; start += batchSize)
            {
                batch.Clear();
                var end = Math.Min(history.Count, start + batchSize);
                for (var i = start; i < end; i++)
                {
                    batch.Add(history[i], i, sequence, i == history.Count - 1);
                }

                if (context.Decode(batch) != DecodeResult.Ok)
                {
                    Cut(sequence, 0);
                    return drafts;
                }

                mine.AddRange(history.Skip(start).Take(end - start));
            }

            while (drafts.Count < count)
            {
                var token = sampler.Sample(context.NativeHandle, batch.TokenCount - 1);
                if (draft.Vocabulary.EndOfSequence.Contains((int)token) || !advance((int)token))
                {
                    break;
                }

                drafts.Add(token);
                if (drafts.Count == count)
                {
                    break;
                }

                batch.Clear();
                batch.Add(token, mine.Count, sequence, true);
                if (context.Decode(batch) != DecodeResult.Ok)
                {
                    break;
                }

                mine.Add(token);
            }
        }
        catch (InvalidOperationException)
        {
            // The grammar allows nothing the draft model wants here: no more drafts.
        }

        return drafts;
    }

    /// <summary>Forgets a slot's sequence (its target sequence was cleared).</summary>
    public void Clear(LLamaSeqId sequence) => Cut(sequence, 0);

    public void Dispose() => context.Dispose();

    private void Cut(LLamaSeqId sequence, int keep)
    {
        var mine = resident[(int)sequence];
        if (keep < mine.Count)
        {
            context.NativeHandle.MemorySequenceRemove(sequence, keep, -1);
            mine.RemoveRange(keep, mine.Count - keep);
        }
    }
}
