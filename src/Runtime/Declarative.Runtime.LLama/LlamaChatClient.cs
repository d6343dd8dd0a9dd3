using System.Runtime.CompilerServices;
using System.Text;
using Declarative.Decoding;
using Declarative.Grammars;
using LLama;
using LLama.Native;
using Microsoft.Extensions.AI;

namespace Declarative.Runtime.LLama;

/// <summary>
/// An <see cref="IChatClient"/> over a local model. It honours the reply grammar the adapters send
/// (<see cref="OptionKeys.Grammar"/>, applied as Declarative's token mask in llama.cpp's sampling chain), or else the
/// JSON schema of <see cref="ChatOptions.ResponseFormat"/>; stop sequences, the token limit, temperature, top-p, top-k
/// and the seed; and reports token usage, with the prompt tokens served from the KV cache as cached input. Calls take
/// turns on one llama.cpp context.
/// </summary>
internal sealed class LlamaChatClient : IChatClient
{
    private readonly LlamaModel model;
    private readonly LlamaChatOptions defaults;
    private readonly LLamaContext context;
    private readonly PrefixCache prefixes;
    private readonly SemaphoreSlim gate = new(1, 1);
    private readonly uint[] mask;
    private readonly ChatClientMetadata metadata;
    private bool disposed;

    public LlamaChatClient(LlamaModel model, LlamaChatOptions defaults)
    {
        this.model = model;
        this.defaults = defaults;
        context = model.Weights.CreateContext(model.ContextParams());
        prefixes = new PrefixCache(context, model.Options.PrefixCacheBytes, model.Options.MinSavedPrefixTokens);
        mask = new uint[model.Vocabulary.MaskWords];
        metadata = new ChatClientMetadata("llama.cpp", new Uri("file://" + model.Path), model.Name);
    }

    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var text = new StringBuilder();
        ChatFinishReason? finish = null;
        UsageDetails? usage = null;
        await foreach (var piece in GenerateAsync(messages, options, cancellationToken).ConfigureAwait(false))
        {
            text.Append(piece.Text);
            finish = piece.Finish ?? finish;
            usage = piece.Usage ?? usage;
        }

        return new ChatResponse(new ChatMessage(ChatRole.Assistant, text.ToString()))
        {
            ModelId = model.Name,
            FinishReason = finish,
            Usage = usage,
        };
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var piece in GenerateAsync(messages, options, cancellationToken).ConfigureAwait(false))
        {
            var update = new ChatResponseUpdate(ChatRole.Assistant, piece.Text) { ModelId = model.Name, FinishReason = piece.Finish };
            if (piece.Usage is not null)
            {
                update.Contents.Add(new UsageContent(piece.Usage));
            }

            yield return update;
        }
    }

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is not null ? null
        : serviceType == typeof(ChatClientMetadata) ? metadata
        : serviceType == typeof(LlamaModel) ? model
        : serviceType.IsInstanceOfType(this) ? this
        : null;

    public void Dispose()
    {
        if (disposed)
        {
            return;
        }

        disposed = true;
        prefixes.Dispose();
        context.Dispose();
        gate.Dispose();
    }

    private async IAsyncEnumerable<Piece> GenerateAsync(IEnumerable<ChatMessage> messages, ChatOptions? options, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(messages);
        ObjectDisposedException.ThrowIf(disposed, this);
        var request = LlamaRequest.From(model, messages, options, defaults);
        var prompt = Tokenize(request.Prompt);
        var limit = model.Options.ContextSize;
        if (prompt.Length >= limit)
        {
            throw new PromptTooLongException(prompt.Length, limit);
        }

        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var reused = prefixes.Prepare(prompt, request.ReusePrefix);
            var batch = new LLamaBatch();
            var position = reused;
            try
            {
                await EvaluateAsync(batch, prompt.AsMemory(reused), position, cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                prefixes.Clear();
                throw;
            }

            prefixes.Append(prompt.Skip(reused));
            position = prompt.Length;
            var matcher = request.Grammar?.CreateMatcher();
            var stage = new MaskStage(mask) { Active = matcher is not null };
            using var pipeline = new MaskedSamplingPipeline(stage, request.Temperature, request.TopP, request.TopK, request.Seed);
            var output = new List<byte>();
            var stops = new StopScanner(request.StopSequences);
            var generated = 0;
            var finish = ChatFinishReason.Length;
            var logitsIndex = batch.TokenCount - 1;
            while (generated < request.MaxTokens && position < limit)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (matcher is not null)
                {
                    matcher.ComputeMask(mask);
                }

                var token = (int)pipeline.Sample(context.NativeHandle, logitsIndex);
                if (matcher is not null && (mask[token >> 5] & (1u << (token & 31))) == 0)
                {
                    throw new InvalidOperationException("The grammar allows no token here (the sampler fell back to a masked one); the grammar admits no continuation of this text. This is a bug in the grammar or the mask.");
                }

                if (matcher is not null ? model.Vocabulary.EndOfSequence.Contains(token) : ((LLamaToken)token).IsEndOfGeneration(model.Weights.Vocab))
                {
                    finish = ChatFinishReason.Stop;
                    break;
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

                // Under a grammar, the reply ends as a complete document when the budget runs short: once few tokens
                // are left, a token after which no completion fits is taken back, and the shortest completion from
                // before it (which fit, or the budget was too small from the start) is fed instead.
                var completing = false;
                if (matcher is not null && request.CompleteWithinLimit)
                {
                    var left = Math.Min(request.MaxTokens - generated, limit - position) - feed.Count;
                    if (left <= CompletionWindow && matcher.CompletionTokens() is var after && (after is null || after.Length > left))
                    {
                        matcher.Rollback(feed.Count);
                        if (matcher.CompletionTokens() is { } completion && completion.Length <= left + feed.Count)
                        {
                            feed = [.. completion.Select(t => (LLamaToken)t)];
                            foreach (var t in completion)
                            {
                                matcher.Advance(t);
                            }

                            completing = true;
                        }
                        else
                        {
                            foreach (var t in feed)
                            {
                                matcher.Advance((int)t);
                            }
                        }
                    }
                }

                foreach (var t in feed)
                {
                    output.AddRange(model.Vocabulary[(int)t].ToArray());
                }

                generated += feed.Count;
                var (delta, stopped) = stops.Next(output);
                if (delta.Length > 0)
                {
                    yield return new Piece(delta, null, null);
                }

                if (stopped || completing)
                {
                    finish = ChatFinishReason.Stop;
                    break;
                }

                if (generated >= request.MaxTokens || position + feed.Count >= limit)
                {
                    break;
                }

                try
                {
                    await EvaluateAsync(batch, feed.ToArray(), position, cancellationToken).ConfigureAwait(false);
                }
                catch
                {
                    prefixes.Clear();
                    throw;
                }

                prefixes.Append(feed);
                position += feed.Count;
                logitsIndex = batch.TokenCount - 1;
            }

            var rest = stops.Flush(output, finish == ChatFinishReason.Stop && stops.Stopped);
            var usage = new UsageDetails
            {
                InputTokenCount = prompt.Length,
                OutputTokenCount = generated,
                TotalTokenCount = prompt.Length + generated,
                CachedInputTokenCount = reused,
            };
            yield return new Piece(rest, finish, usage);
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Evaluates tokens at <paramref name="position"/> in batches of the configured size, with logits for the last one only.</summary>
    private async Task EvaluateAsync(LLamaBatch batch, ReadOnlyMemory<LLamaToken> tokens, int position, CancellationToken cancellationToken)
    {
        var size = model.Options.BatchSize;
        for (var start = 0; start < tokens.Length; start += size)
        {
            batch.Clear();
            var end = Math.Min(tokens.Length, start + size);
            for (var i = start; i < end; i++)
            {
                batch.Add(tokens.Span[i], position + i, LLamaSeqId.Zero, i == tokens.Length - 1);
            }

            var result = await context.DecodeAsync(batch, cancellationToken).ConfigureAwait(false);
            if (result != DecodeResult.Ok)
            {
                throw new InvalidOperationException($"llama.cpp could not evaluate the batch ({result}); the context may be full: raise LlamaModelOptions.ContextSize.");
            }
        }
    }

    private LLamaToken[] Tokenize(string prompt)
    {
        var vocab = model.Weights.Vocab;
        var bos = vocab.BOS;
        var addBos = vocab.ShouldAddBOS;
        if (addBos && bos is { } begin && vocab.LLamaTokenToString(begin, isSpecialToken: true) is { Length: > 0 } bosText && prompt.StartsWith(bosText, StringComparison.Ordinal))
        {
            addBos = false; // the template wrote it already
        }

        return context.Tokenize(prompt, addBos, special: true);
    }

    /// <summary>How few tokens must be left before each step checks that a completion still fits.</summary>
    private const int CompletionWindow = 128;

    private readonly record struct Piece(string Text, ChatFinishReason? Finish, UsageDetails? Usage);
}
