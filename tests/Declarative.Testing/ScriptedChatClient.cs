using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace Declarative.Testing;

/// <summary>
/// A deterministic <see cref="IChatClient"/> for tests, notebooks and offline runs (DSPy's <c>DummyLM</c>). It answers,
/// in this order of preference: by a substring of the request (<see cref="When(string, IReadOnlyDictionary{string, object?})"/>),
/// by following the demonstrations in the prompt (<see cref="FollowExamples"/>), or with the next queued answer
/// (<see cref="Answer(IReadOnlyDictionary{string, object?})"/>). Output values are formatted through the adapter under
/// test, so the reply is what a well-behaved model would write.
/// </summary>
/// <remarks>Thread-safe. Reports token usage as characters divided by four, so usage accounting can be tested.</remarks>
public sealed class ScriptedChatClient : IChatClient
{
    private readonly object gate = new();
    private readonly Queue<object> queue = new();
    private readonly List<(string Substring, string Reply)> rules = [];
    private readonly List<ScriptedRequest> requests = [];
    private bool followExamples;

    /// <summary>Creates a client that formats replies for <paramref name="adapter"/>.</summary>
    /// <param name="adapter">The adapter replies are written for (default <see cref="ChatAdapter.Default"/>).</param>
    public ScriptedChatClient(Adapter? adapter = null) => Adapter = adapter ?? ChatAdapter.Default;

    /// <summary>The adapter replies are written for.</summary>
    public Adapter Adapter { get; }

    /// <summary>A delay before each reply (to test timeouts and cancellation); default none.</summary>
    public TimeSpan Delay { get; init; }

    /// <summary>The model id reported in metadata and responses.</summary>
    public string ModelId { get; init; } = "scripted";

    /// <summary>The requests received so far.</summary>
    public IReadOnlyList<ScriptedRequest> Requests
    {
        get
        {
            lock (gate)
            {
                return requests.ToArray();
            }
        }
    }

    /// <summary>How many requests were received.</summary>
    public int CallCount
    {
        get
        {
            lock (gate)
            {
                return requests.Count;
            }
        }
    }

    /// <summary>How many queued answers are left.</summary>
    public int RemainingAnswers
    {
        get
        {
            lock (gate)
            {
                return queue.Count;
            }
        }
    }

    /// <summary>Queues an answer holding these output values.</summary>
    /// <param name="outputs">Output values by field name, in the order to write them.</param>
    /// <returns>This client.</returns>
    public ScriptedChatClient Answer(IReadOnlyDictionary<string, object?> outputs)
    {
        ArgumentNullException.ThrowIfNull(outputs);
        return AnswerRaw(Adapter.FormatReply(outputs));
    }

    /// <summary>Queues an answer holding these output values.</summary>
    /// <param name="outputs">Name/value pairs.</param>
    /// <returns>This client.</returns>
    public ScriptedChatClient Answer(params (string Name, object? Value)[] outputs) =>
        AnswerRaw(Adapter.FormatReply(outputs.Select(o => new KeyValuePair<string, object?>(o.Name, o.Value))));

    /// <summary>Queues a reply exactly as given (to test parsing of malformed replies).</summary>
    /// <param name="completion">The reply text.</param>
    /// <returns>This client.</returns>
    public ScriptedChatClient AnswerRaw(string completion)
    {
        ArgumentNullException.ThrowIfNull(completion);
        lock (gate)
        {
            queue.Enqueue(completion);
        }

        return this;
    }

    /// <summary>
    /// Queues an answer that asks for tool calls (an assistant message of <see cref="FunctionCallContent"/>s, finish
    /// reason <see cref="ChatFinishReason.ToolCalls"/>), as a model with native tool calling returns them. Each request
    /// gets fresh copies, so a middleware that marks a call does not change the script.
    /// </summary>
    /// <param name="calls">The calls: name, arguments and call id.</param>
    /// <returns>This client.</returns>
    public ScriptedChatClient AnswerToolCalls(params (string Name, IDictionary<string, object?>? Arguments, string CallId)[] calls)
    {
        ArgumentNullException.ThrowIfNull(calls);
        lock (gate)
        {
            queue.Enqueue(calls.ToArray());
        }

        return this;
    }

    /// <summary>Answers any request whose messages contain <paramref name="substring"/> with these outputs.</summary>
    /// <param name="substring">Text to look for in the request.</param>
    /// <param name="outputs">Output values by field name.</param>
    /// <returns>This client.</returns>
    public ScriptedChatClient When(string substring, IReadOnlyDictionary<string, object?> outputs)
    {
        ArgumentException.ThrowIfNullOrEmpty(substring);
        ArgumentNullException.ThrowIfNull(outputs);
        lock (gate)
        {
            rules.Add((substring, Adapter.FormatReply(outputs)));
        }

        return this;
    }

    /// <summary>Answers any request whose messages contain <paramref name="substring"/> with these outputs.</summary>
    /// <param name="substring">Text to look for in the request.</param>
    /// <param name="outputs">Name/value pairs.</param>
    /// <returns>This client.</returns>
    public ScriptedChatClient When(string substring, params (string Name, object? Value)[] outputs) =>
        When(substring, outputs.ToDictionary(o => o.Name, o => o.Value));

    /// <summary>
    /// Answers a request whose inputs equal those of a demonstration in the prompt with that demonstration's reply (DSPy
    /// DummyLM's <c>follow_examples</c>).
    /// </summary>
    /// <returns>This client.</returns>
    public ScriptedChatClient FollowExamples()
    {
        followExamples = true;
        return this;
    }

    /// <inheritdoc />
    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var list = messages.ToList();
        if (Delay > TimeSpan.Zero)
        {
            await Task.Delay(Delay, cancellationToken).ConfigureAwait(false);
        }

        cancellationToken.ThrowIfCancellationRequested();
        var answer = Reply(list, options);
        var reply = answer as string ?? string.Empty;
        var message = answer is (string Name, IDictionary<string, object?>? Arguments, string CallId)[] calls
            ? new ChatMessage(ChatRole.Assistant, [.. calls.Select(c => new FunctionCallContent(c.CallId, c.Name, c.Arguments is null ? null : new Dictionary<string, object?>(c.Arguments)))])
            : new ChatMessage(ChatRole.Assistant, reply);
        var inputChars = list.Sum(m => m.Text.Length);
        return new ChatResponse(message)
        {
            ModelId = ModelId,
            FinishReason = answer is string ? ChatFinishReason.Stop : ChatFinishReason.ToolCalls,
            Usage = new UsageDetails
            {
                InputTokenCount = Math.Max(1, inputChars / 4),
                OutputTokenCount = Math.Max(1, reply.Length / 4),
                TotalTokenCount = Math.Max(1, inputChars / 4) + Math.Max(1, reply.Length / 4),
            },
        };
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var response = await GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
        foreach (var update in response.ToChatResponseUpdates())
        {
            yield return update;
        }
    }

    /// <inheritdoc />
    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is not null ? null
        : serviceType == typeof(ChatClientMetadata) ? new ChatClientMetadata("scripted", null, ModelId)
        : serviceType.IsInstanceOfType(this) ? this
        : null;

    /// <inheritdoc />
    public void Dispose()
    {
    }

    private object Reply(List<ChatMessage> messages, ChatOptions? options)
    {
        lock (gate)
        {
            requests.Add(new ScriptedRequest(messages, options));
            foreach (var (substring, reply) in rules)
            {
                if (messages.Any(m => m.Text.Contains(substring, StringComparison.Ordinal)))
                {
                    return reply;
                }
            }

            if (followExamples && FromExamples(messages) is { } followed)
            {
                return followed;
            }

            if (queue.Count > 0)
            {
                return queue.Dequeue();
            }

            throw new InvalidOperationException(
                $"ScriptedChatClient has no answer for request #{requests.Count}: no substring rule matched, "
                + (followExamples ? "no demonstration had the same inputs, " : string.Empty)
                + "and the queue of answers is empty. Queue more answers with Answer(...).");
        }
    }

    private static string? FromExamples(List<ChatMessage> messages)
    {
        if (messages.Count < 3 || messages[^1].Role != ChatRole.User)
        {
            return null;
        }

        var request = messages[^1].Text;
        for (var i = messages.Count - 2; i >= 2; i--)
        {
            if (messages[i].Role == ChatRole.Assistant && messages[i - 1].Role == ChatRole.User)
            {
                var demoInput = messages[i - 1].Text;
                if (request.StartsWith(demoInput + "\n\n", StringComparison.Ordinal) || request == demoInput)
                {
                    return messages[i].Text;
                }
            }
        }

        return null;
    }
}

/// <summary>A request received by a <see cref="ScriptedChatClient"/>.</summary>
/// <param name="Messages">The messages.</param>
/// <param name="Options">The options.</param>
public sealed record ScriptedRequest(IReadOnlyList<ChatMessage> Messages, ChatOptions? Options);
