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
    private readonly uint[] mask;
    private readonly MaskedSamplingPipeline pipeline;
    private readonly List<byte> output = [];
    private readonly StopScanner stops;
    private int generated;

    public LlamaJob(LlamaModel model, LlamaRequest request, LLamaToken[] prompt, CancellationToken cancellationToken)
    {
        this.model = model;
        this.request = request;
        Prompt = prompt;
        CancellationToken = cancellationToken;
        matcher = request.Grammar?.CreateMatcher();
        mask = new uint[model.Vocabulary.MaskWords];
        pipeline = new MaskedSamplingPipeline(new MaskStage(mask) { Active = matcher is not null }, request.Temperature, request.TopP, request.TopK, request.Seed);
        stops = new StopScanner(request.StopSequences);
        Reservation = Math.Min(model.Options.ContextSize, prompt.Length + request.MaxTokens);
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

    /// <summary>The client's counters (drafts proposed and accepted).</summary>
    public LlamaCounters Counters { get; init; } = new();

    /// <summary>
    /// Samples the next token from the logits at <paramref name="logitsIndex"/> of the batch just decoded, writes the
    /// new text out, and either queues what to evaluate next or finishes.
    /// </summary>
    public void Step(SafeLLamaContextHandle context, int logitsIndex)
    {
        var limit = model.Options.ContextSize;
        if (generated >= request.MaxTokens || Position >= limit)
        {
            Finish(ChatFinishReason.Length);
            return;
        }

        matcher?.ComputeMask(mask);
        var token = (int)pipeline.Sample(context, logitsIndex);
        if (matcher is not null && (mask[token >> 5] & (1u << (token & 31))) == 0)
        {
            throw new InvalidOperationException("The grammar allows no token here (the sampler fell back to a masked one); the grammar admits no continuation of this text. This is a bug in the grammar or the mask.");
        }

        if (matcher is not null ? model.Vocabulary.EndOfSequence.Contains(token) : ((LLamaToken)token).IsEndOfGeneration(model.Weights.Vocab))
        {
            Finish(ChatFinishReason.Stop);
            return;
        }

        var feed = new List<LLamaToken> { token };
        matcher?.Advance(token);
        if (matcher is not null && request.FastForward)
        {
            foreach (var forced in matcher.ForcedTokens())
            {
                if (generated + feed.Count >= request.MaxTokens || Position + feed.Count >= limit)
                {
                    break;
                }

                matcher.Advance(forced);
                feed.Add(forced);
            }
        }

        var completing = matcher is not null && request.CompleteWithinLimit && CompleteIfShort(feed, Math.Min(request.MaxTokens - generated, limit - Position));
        foreach (var t in feed)
        {
            output.AddRange(model.Vocabulary[(int)t].ToArray());
        }

        generated += feed.Count;
        var (delta, stopped) = stops.Next(output);
        if (delta.Length > 0)
        {
            Output.Writer.TryWrite(new LlamaPiece(delta, null, null));
        }

        if (stopped || completing)
        {
            Finish(ChatFinishReason.Stop);
            return;
        }

        if (generated >= request.MaxTokens || Position + feed.Count >= limit)
        {
            Finish(ChatFinishReason.Length);
            return;
        }

        Pending.AddRange(feed);
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

    private void Finish(ChatFinishReason reason)
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
    }

    /// <summary>How few tokens must be left before each step checks that a completion still fits.</summary>
    private const int CompletionWindow = 128;
}

/// <summary>A piece of a reply: new text, and at the end why it stopped and the usage.</summary>
internal readonly record struct LlamaPiece(string Text, ChatFinishReason? Finish, UsageDetails? Usage);
