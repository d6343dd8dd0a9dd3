using System.Threading.Channels;
using LLama;
using LLama.Native;

namespace Declarative.Runtime.LLama;

/// <summary>
/// Serves concurrent requests with one llama.cpp context: each running request has a sequence (a slot) of the context,
/// and every step evaluates the next tokens of all of them in one batch (a reply's next token beside another's prompt
/// chunk), then samples each from its own logits. Requests wait in a bounded queue until a slot and enough KV cells
/// are free; idle slots keep their prompt prefixes for reuse until the cells are needed. One loop owns the context.
/// </summary>
internal sealed class LlamaScheduler : IDisposable
{
    private readonly LlamaModel model;
    private readonly LLamaContext context;
    private readonly LlamaSlot[] slots;
    private readonly SavedPrefixes saved;
    private readonly Channel<LlamaJob> queue;
    private readonly List<LlamaJob> waiting = [];
    private readonly CancellationTokenSource stopping = new();
    private readonly Task loop;
    private long clock;

    /// <summary>Counters since the scheduler started (the jobs add their draft counts).</summary>
    public LlamaCounters Counters { get; } = new();

    public LlamaScheduler(LlamaModel model, int queueCapacity, LlamaModel? draftModel = null)
    {
        this.model = model;
        Drafter = draftModel is null ? null : new DraftModel(draftModel, model);
        context = model.Weights.CreateContext(model.ContextParams());
        slots = Enumerable.Range(0, model.Options.ParallelSequences).Select(i => new LlamaSlot(i)).ToArray();
        saved = new SavedPrefixes(model.Options.PrefixCacheBytes, model.Options.MinSavedPrefixTokens);
        queue = Channel.CreateBounded<LlamaJob>(new BoundedChannelOptions(queueCapacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
        loop = Task.Run(RunAsync);
    }

    /// <summary>The draft model's context, when speculation uses one.</summary>
    public DraftModel? Drafter { get; }

    /// <summary>Queues a job; waits while the queue is full.</summary>
    public ValueTask SubmitAsync(LlamaJob job, CancellationToken cancellationToken) => queue.Writer.WriteAsync(job, cancellationToken);

    public void Dispose()
    {
        queue.Writer.TryComplete();
        stopping.Cancel();
        try
        {
            loop.Wait(TimeSpan.FromSeconds(30));
        }
        catch (AggregateException)
        {
            // The loop ended with an error; its jobs were failed.
        }

        context.Dispose();
        Drafter?.Dispose();
        stopping.Dispose();
    }

    private async Task RunAsync()
    {
        var batch = new LLamaBatch();
        try
        {
            while (true)
            {
                while (queue.Reader.TryRead(out var job))
                {
                    waiting.Add(job);
                }

                DropCancelled();
                Admit();
                if (!slots.Any(s => s.Job is not null))
                {
                    if (!await queue.Reader.WaitToReadAsync(stopping.Token).ConfigureAwait(false))
                    {
                        break;
                    }

                    continue;
                }

                await StepAsync(batch).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
        finally
        {
            var gone = new ObjectDisposedException(nameof(LlamaChatClient));
            foreach (var job in waiting.Concat(slots.Select(s => s.Job).OfType<LlamaJob>()))
            {
                job.Fail(gone);
            }

            while (queue.Reader.TryRead(out var job))
            {
                job.Fail(gone);
            }
        }
    }

    /// <summary>One batch: the next pending tokens of every running job (replies first, then prompt chunks), decoded together.</summary>
    private async Task StepAsync(LLamaBatch batch)
    {
        batch.Clear();
        var entries = new List<(LlamaJob Job, int Count, List<int> Logits)>();
        var budget = model.Options.BatchSize;
        foreach (var job in slots.Select(s => s.Job).OfType<LlamaJob>().OrderBy(j => j.Pending.Count))
        {
            var count = Math.Min(job.Pending.Count, budget);
            if (count == 0)
            {
                continue;
            }

            var logits = new List<int>();
            var whole = count == job.Pending.Count;
            for (var i = 0; i < count; i++)
            {
                var wanted = whole && i >= job.LogitsFrom;
                if (wanted)
                {
                    logits.Add(batch.TokenCount);
                }

                batch.Add(job.Pending[i], job.Position + i, job.Slot!.Sequence, wanted);
            }

            budget -= count;
            entries.Add((job, count, logits));
        }

        DecodeResult result;
        try
        {
            result = await context.DecodeAsync(batch, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            FailAll(entries, ex);
            return;
        }

        if (result != DecodeResult.Ok)
        {
            FailAll(entries, new InvalidOperationException($"llama.cpp could not evaluate the batch ({result}); raise LlamaModelOptions.ContextSize or lower ParallelSequences."));
            return;
        }

        Counters.Batch(batch.TokenCount, entries.Count);

        foreach (var (job, count, logits) in entries)
        {
            job.Slot!.Resident.AddRange(job.Pending.Take(count));
            job.Position += count;
            job.Pending.RemoveRange(0, count);
            job.LogitsFrom = Math.Max(0, job.LogitsFrom - count);
            if (logits.Count == 0)
            {
                continue;
            }

            try
            {
                job.Step(context.NativeHandle, logits);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                job.Fail(ex);
            }

            if (job.Done)
            {
                Release(job);
            }
        }
    }

    /// <summary>Gives waiting jobs, in order, an idle slot (the one whose resident prefix they share most) when their KV cells fit.</summary>
    private void Admit()
    {
        var handle = context.NativeHandle;
        while (waiting.Count > 0)
        {
            var job = waiting[0];
            var slot = slots.Where(s => s.Job is null)
                .OrderByDescending(s => job.ReusePrefix ? LlamaSlot.CommonPrefix(s.Resident, job.Prompt) : 0)
                .ThenBy(s => s.LastUsed)
                .FirstOrDefault();
            if (slot is null)
            {
                return;
            }

            // Cells: those reserved by running jobs, those held by other idle slots' prefixes, and this job's own.
            while (true)
            {
                var busy = slots.Where(s => s.Job is not null).Sum(s => s.Job!.Reservation);
                var idle = slots.Where(s => s.Job is null && s != slot).Sum(s => s.Resident.Count);
                if (busy + idle + job.Reservation <= model.Options.ContextSize)
                {
                    break;
                }

                var victim = slots.Where(s => s.Job is null && s != slot && s.Resident.Count > 0).OrderBy(s => s.LastUsed).FirstOrDefault();
                if (victim is null)
                {
                    return; // wait for running jobs to finish
                }

                saved.SaveIfLeaving(handle, victim, 0);
                victim.Truncate(handle, 0);
                Drafter?.Clear(victim.Sequence);
            }

            waiting.RemoveAt(0);
            Prepare(job, slot);
        }
    }

    /// <summary>Puts the job in the slot: keeps the longest prefix it shares with what is resident or saved, and queues the rest of its prompt.</summary>
    private void Prepare(LlamaJob job, LlamaSlot slot)
    {
        var handle = context.NativeHandle;
        var keep = job.ReusePrefix ? LlamaSlot.CommonPrefix(slot.Resident, job.Prompt) : 0;
        var best = job.ReusePrefix ? saved.Best(job.Prompt, keep) : null;
        saved.SaveIfLeaving(handle, slot, best is null ? keep : 0);
        if (best is { } found)
        {
            slot.Truncate(handle, 0);
            handle.MemorySequenceRemove(slot.Sequence, 0, -1);
            if (SavedPrefixes.Load(handle, found.State, slot.Sequence))
            {
                slot.Resident.AddRange(found.Tokens);
                keep = found.Shared;
            }
            else
            {
                handle.MemorySequenceRemove(slot.Sequence, 0, -1);
                keep = 0;
            }
        }

        keep = Math.Min(keep, job.Prompt.Length - 1);
        slot.Truncate(handle, keep);
        if (keep == 0)
        {
            handle.MemorySequenceRemove(slot.Sequence, 0, -1);
        }

        slot.Job = job;
        slot.LastUsed = ++clock;
        job.Slot = slot;
        job.Reused = keep;
        Counters.Reused(keep);
        job.Position = keep;
        job.QueuePrompt(keep);
    }

    private void DropCancelled()
    {
        for (var i = waiting.Count - 1; i >= 0; i--)
        {
            if (waiting[i].CancellationToken.IsCancellationRequested)
            {
                waiting[i].Fail(new OperationCanceledException(waiting[i].CancellationToken));
                waiting[i].Dispose();
                waiting.RemoveAt(i);
            }
        }

        foreach (var slot in slots)
        {
            if (slot.Job is { } job && job.CancellationToken.IsCancellationRequested)
            {
                job.Fail(new OperationCanceledException(job.CancellationToken));
                Release(job);
            }
        }
    }

    private void FailAll(List<(LlamaJob Job, int Count, List<int> Logits)> entries, Exception error)
    {
        foreach (var (job, _, _) in entries)
        {
            job.Fail(error);

            // What the failed batch may have written is not known: the slot starts empty next time.
            job.Slot!.Truncate(context.NativeHandle, 0);
            context.NativeHandle.MemorySequenceRemove(job.Slot.Sequence, 0, -1);
            Release(job);
        }
    }

    private static void Release(LlamaJob job)
    {
        job.Slot!.Job = null;
        job.Dispose();
    }
}
