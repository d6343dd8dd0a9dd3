using System.Threading.Channels;
using Declarative.Decoding;
using LLama.Native;
using Microsoft.Extensions.AI;

namespace Declarative.Runtime.LLama;

/// <summary>
/// One request in flight on the scheduler: its prompt and sampling state, the tokens waiting to be evaluated, and the
/// channel its text goes out on. The scheduler evaluates <see cref="Pending"/> in shared batches and calls
/// <see cref="Step"/> when the last pending token's logits are ready.
/// </summary>
internal sealed class LlamaJob : IDisposable
{
    private readonly LlamaModel model;
    private readonly LlamaRequest request;
    private readonly TokenMatcher? matcher;
    private readonly TokenMaskSamplingPipeline pipeline;
    private readonly List<byte> output = [];
    private readonly StopScanner stops;
    private int generated;
    private List<LLamaToken> drafted = [];
    private int draftBudget;
    private TokenMaskSamplingPipeline? draftSampler;
    private int pause;
    private readonly List<LLamaToken> history = [];

    public LlamaJob(LlamaModel model, LlamaRequest request, LLamaToken[] prompt, CancellationToken cancellationToken)
    {
        this.model = model;
        this.request = request;
        Prompt = prompt;
        CancellationToken = cancellationToken;
        matcher = request.Grammar?.CreateMatcher();
        pipeline = new TokenMaskSamplingPipeline(
            matcher,
            new TokenSamplingOptions { Temperature = request.Temperature, TopK = request.TopK is > 0 ? request.TopK : null, TopP = request.TopP is > 0 and < 1 ? request.TopP : null, Seed = request.Seed },
            advanceOnAccept: false);
        stops = new StopScanner(request.StopSequences);
        Reservation = Math.Min(model.Options.ContextSize, prompt.Length + request.MaxTokens + request.DraftTokens);
        draftBudget = request.DraftTokens;
    }

    public LLamaToken[] Prompt { get; }

    public CancellationToken CancellationToken { get; }

    public Channel<LlamaPiece> Output { get; } = Channel.CreateUnbounded<LlamaPiece>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });

    /// <summary>KV cells the job may come to hold (prompt and reply), reserved when it is admitted.</summary>
    public int Reservation { get; }

    public bool ReusePrefix => request.ReusePrefix;

    /// <summary>The slot it runs in, once admitted.</summary>
    public LlamaSlot? Slot { get; set; }

    /// <summary>Prompt tokens found in the KV cache (not evaluated).</summary>
    public int Reused { get; set; }

    /// <summary>Tokens to evaluate next, in order, at <see cref="Position"/>.</summary>
    public List<LLamaToken> Pending { get; } = [];

    /// <summary>The position of the first pending token in the job's sequence.</summary>
    public int Position { get; set; }

    public bool Done { get; private set; }

    /// <summary>The draft model, when speculation uses one.</summary>
    public DraftModel? Drafter { get; init; }

    /// <summary>The client's counters (drafts proposed and accepted).</summary>
    public LlamaCounters Counters { get; init; } = new();

    /// <summary>Index in <see cref="Pending"/> of the first token whose logits are wanted (the rest before it are only evaluated).</summary>
    public int LogitsFrom { get; set; }

    /// <summary>Queues the prompt's tail (from <paramref name="keep"/> on) for evaluation.</summary>
    public void QueuePrompt(int keep)
    {
        Pending.AddRange(Prompt.AsSpan(keep).ToArray());
        LogitsFrom = Pending.Count - 1;
        history.AddRange(Prompt);
    }

    /// <summary>
    /// Samples from the logits of the batch just decoded (<paramref name="logits"/>: the batch indices of the pending
    /// tokens from <see cref="LogitsFrom"/> on), writes the new text out, and either queues what to evaluate next or
    /// finishes. With drafts, each draft token the sampler confirms is kept (its KV is already there) and sampling goes
    /// on from the next logits; the first mismatch ends the step and the unconfirmed drafts are dropped from the KV
    /// cache. The sampler draws once per kept token, as without drafts, so the reply is the same.
    /// </summary>
    public void Step(SafeLLamaContextHandle context, IReadOnlyList<int> logits)
    {
        var drafts = drafted;
        drafted = [];
        var end = Position;
        for (var j = 0; j < logits.Count; j++)
        {
            var position = end - drafts.Count + j; // where the token sampled here would be evaluated
            var feed = generated >= request.MaxTokens || position >= model.Options.ContextSize
                ? Finish(ChatFinishReason.Length)
                : Take(Sample(context, logits[j]), position);
            var accepted = feed is [var only] && j < drafts.Count && only == drafts[j];
            if (accepted)
            {
                continue;
            }

            // Drafts from j on were evaluated but not confirmed: their cells go.
            var rejected = drafts.Count - j;
            if (rejected > 0)
            {
                Slot!.Truncate(context, Slot.Resident.Count - rejected);
                Position -= rejected;
            }

            Counters.Drafts(drafts.Count, j);
            Adapt(drafts.Count, j);
            if (feed is not null)
            {
                Pending.AddRange(feed);
                LogitsFrom = feed.Count - 1;
                drafted = Propose(Position + feed.Count);
                Pending.AddRange(drafted);
            }

            return;
        }
    }

    private int Sample(SafeLLamaContextHandle context, int logitsIndex) => (int)pipeline.Sample(context, logitsIndex);

    /// <summary>Takes a sampled token (to be evaluated at <paramref name="position"/>) and the tokens the grammar forces after it; null when the reply ended.</summary>
    private List<LLamaToken>? Take(int token, int position)
    {
        var limit = model.Options.ContextSize;
        if (matcher is not null ? model.Vocabulary.EndOfSequence.Contains(token) : ((LLamaToken)token).IsEndOfGeneration(model.Weights.Vocab))
        {
            return Finish(ChatFinishReason.Stop);
        }

        var feed = new List<LLamaToken> { token };
        matcher?.Advance(token);
        if (matcher is not null && request.FastForward)
        {
            foreach (var forced in matcher.ForcedTokens())
            {
                if (generated + feed.Count >= request.MaxTokens || position + feed.Count >= limit)
                {
                    break;
                }

                matcher.Advance(forced);
                feed.Add(forced);
            }
        }

        var completing = matcher is not null && request.CompleteWithinLimit && CompleteIfShort(feed, Math.Min(request.MaxTokens - generated, limit - position));
        foreach (var t in feed)
        {
            output.AddRange(model.Vocabulary[(int)t].ToArray());
        }

        history.AddRange(feed);
        generated += feed.Count;
        var (delta, stopped) = stops.Next(output);
        if (delta.Length > 0)
        {
            Output.Writer.TryWrite(new LlamaPiece(delta, null, null));
        }

        if (stopped || completing)
        {
            return Finish(ChatFinishReason.Stop);
        }

        if (generated >= request.MaxTokens || position + feed.Count >= limit)
        {
            return Finish(ChatFinishReason.Length);
        }

        return feed;
    }

    /// <summary>
    /// Drafts cost evaluation: the budget doubles after a step whose drafts were all confirmed, shrinks to what was
    /// confirmed otherwise, and drafting pauses for a while after drafts that were all wrong, so a reply that copies
    /// nothing pays little for trying.
    /// </summary>
    private void Adapt(int proposed, int accepted)
    {
        if (proposed == 0)
        {
            return;
        }

        if (accepted == proposed)
        {
            draftBudget = Math.Min(request.DraftTokens, draftBudget * 2);
        }
        else if (accepted > 0)
        {
            draftBudget = Math.Max(1, accepted + 1);
        }
        else if (draftBudget > 1)
        {
            draftBudget /= 2;
        }
        else
        {
            pause = DraftPause;
        }
    }

    /// <summary>Steps without drafts after a one-token draft was wrong.</summary>
    private const int DraftPause = 8;

    /// <summary>
    /// Prompt-lookup drafting: the tokens that followed the last earlier occurrence of the reply's latest n-gram (in
    /// the prompt or the reply), as many as the grammar allows, to be checked by the model in the same batch.
    /// </summary>
    private List<LLamaToken> Propose(int position)
    {
        if (pause > 0)
        {
            pause--;
            return [];
        }

        var room = Math.Min(Math.Min(draftBudget, model.Options.ContextSize - position - 1), request.MaxTokens - generated - 1);
        if (room <= 0)
        {
            return [];
        }

        if (Drafter is { } drafter)
        {
            draftSampler ??= new TokenMaskSamplingPipeline(matcher, new TokenSamplingOptions(), advanceOnAccept: false);
            var advanced = 0;
            var proposed = drafter.Propose(Slot!.Sequence, history, room, draftSampler, token =>
            {
                if (matcher is not null && !matcher.TryAdvance(token))
                {
                    return false;
                }

                advanced++;
                return true;
            });
            if (matcher is not null)
            {
                matcher.Rollback(advanced);
            }

            return proposed;
        }

        // A single repeated token is too weak a clue unless asked for: n-grams of 2 and more.
        for (var n = Math.Min(request.DraftNgram, history.Count - 1); n >= Math.Min(2, request.DraftNgram); n--)
        {
            var tail = history.Count - n;
            for (var start = tail - 1; start >= 0; start--)
            {
                var match = true;
                for (var i = 0; i < n && match; i++)
                {
                    match = history[start + i] == history[tail + i];
                }

                if (!match)
                {
                    continue;
                }

                var drafts = new List<LLamaToken>();
                for (var i = start + n; i < history.Count && drafts.Count < room; i++)
                {
                    var token = (int)history[i];
                    if (model.Vocabulary.EndOfSequence.Contains(token) || (matcher is not null && !matcher.TryAdvance(token)))
                    {
                        break;
                    }

                    drafts.Add(history[i]);
                }

                matcher?.Rollback(matcher is null ? 0 : drafts.Count);
                if (drafts.Count > 0)
                {
                    return drafts;
                }
            }
        }

        return [];
    }

    /// <summary>Ends the job with an error (a failed decode, cancellation).</summary>
    public void Fail(Exception error)
    {
        if (!Done)
        {
            Done = true;
            Output.Writer.TryComplete(error);
        }
    }

    public void Dispose() => pipeline.Dispose();

    /// <summary>
    /// Under a grammar, the reply ends as a complete document when the budget runs short: once few tokens are left, a
    /// step after which no completion fits is taken back, and the shortest completion from before it (which fit, or
    /// the budget was too small from the start) is fed instead. Returns whether the feed now completes the document.
    /// </summary>
    private bool CompleteIfShort(List<LLamaToken> feed, int budget)
    {
        var left = budget - feed.Count;
        if (left > CompletionWindow || matcher!.CompletionTokens() is { } after && after.Length <= left)
        {
            return false;
        }

        matcher.Rollback(feed.Count);
        if (matcher.CompletionTokens() is { } completion && completion.Length <= budget)
        {
            feed.Clear();
            foreach (var t in completion)
            {
                matcher.Advance(t);
                feed.Add(t);
            }

            return true;
        }

        foreach (var t in feed)
        {
            matcher.Advance((int)t);
        }

        return false;
    }

    private List<LLamaToken>? Finish(ChatFinishReason reason)
    {
        Done = true;
        var rest = stops.Flush(output, reason == ChatFinishReason.Stop && stops.Stopped);
        var usage = new UsageDetails
        {
            InputTokenCount = Prompt.Length,
            OutputTokenCount = generated,
            TotalTokenCount = Prompt.Length + generated,
            CachedInputTokenCount = Reused,
        };
        Output.Writer.TryWrite(new LlamaPiece(rest, reason, usage));
        Output.Writer.TryComplete();
        return null;
    }

    /// <summary>How few tokens must be left before each step checks that a completion still fits.</summary>
    private const int CompletionWindow = 128;
}

/// <summary>A piece of a reply: new text, and at the end why it stopped and the usage.</summary>
internal readonly record struct LlamaPiece(string Text, ChatFinishReason? Finish, UsageDetails? Usage);
