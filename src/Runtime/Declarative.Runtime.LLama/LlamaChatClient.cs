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
    private readonly LlamaScheduler scheduler;
    private readonly ChatClientMetadata metadata;
    private int disposed;

    public LlamaChatClient(LlamaModel model, LlamaChatOptions defaults)
    {
        this.model = model;
        this.defaults = defaults;
        scheduler = new LlamaScheduler(model, defaults.QueueCapacity, defaults.Speculation == LlamaSpeculation.DraftModel ? defaults.DraftModel : null);
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
        : serviceType == typeof(LlamaClientStatistics) ? scheduler.Counters.Snapshot()
        : serviceType.IsInstanceOfType(this) ? this
        : null;

    public void Dispose()
    {
        if (Interlocked.Exchange(ref disposed, 1) == 0)
        {
            scheduler.Dispose();
        }
    }

    private async IAsyncEnumerable<LlamaPiece> GenerateAsync(IEnumerable<ChatMessage> messages, ChatOptions? options, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(messages);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref disposed) != 0, this);
        var request = LlamaRequest.From(model, messages, options, defaults);
        var prompt = Tokenize(request.Prompt);
        if (prompt.Length >= model.Options.ContextSize)
        {
            throw new PromptTooLongException(prompt.Length, model.Options.ContextSize);
        }

        // The job stops when the caller cancels or stops reading.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var job = new LlamaJob(model, request, prompt, stop.Token) { Counters = scheduler.Counters, Drafter = scheduler.Drafter };
        try
        {
            await scheduler.SubmitAsync(job, cancellationToken).ConfigureAwait(false);
            await foreach (var piece in job.Output.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                yield return piece;
            }
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
        }
    }

    private LLamaToken[] Tokenize(string prompt)
    {
        var vocab = model.Weights.Vocab;
        var addBos = vocab.ShouldAddBOS;
        if (addBos && vocab.BOS is { } begin && vocab.LLamaTokenToString(begin, isSpecialToken: true) is { Length: > 0 } bosText && prompt.StartsWith(bosText, StringComparison.Ordinal))
        {
            addBos = false; // the template wrote it already
        }

        return model.Weights.Tokenize(prompt, addBos, special: true, Encoding.UTF8);
    }
}
