using System.Globalization;
using System.Text;
using Microsoft.Extensions.AI;

namespace Declarative.Pipeline;

/// <summary>
/// The last calls of a pipeline with their messages and replies (DSPy's <c>inspect_history</c>). Thread-safe and
/// bounded; add it with <see cref="ChatClientBuilderExtensions.UseHistory"/>.
/// </summary>
public sealed class CallHistory
{
    private readonly LinkedList<HistoryEntry> entries = new();
    private readonly TimeProvider time;

    /// <summary>Creates a history.</summary>
    /// <param name="capacity">How many calls to keep (default 100); older ones are dropped first.</param>
    /// <param name="timeProvider">The clock for timestamps; default the system clock.</param>
    public CallHistory(int capacity = 100, TimeProvider? timeProvider = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        Capacity = capacity;
        time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>How many calls are kept.</summary>
    public int Capacity { get; }

    /// <summary>The kept calls, oldest first.</summary>
    public IReadOnlyList<HistoryEntry> Entries
    {
        get
        {
            lock (entries)
            {
                return entries.ToArray();
            }
        }
    }

    /// <summary>Adds a call.</summary>
    /// <param name="messages">The request messages.</param>
    /// <param name="options">The request options.</param>
    /// <param name="response">The reply.</param>
    public void Add(IReadOnlyList<ChatMessage> messages, ChatOptions? options, ChatResponse response)
    {
        var entry = new HistoryEntry(time.GetUtcNow(), messages, options, response,
            UsageTrackingChatClient.IsCacheHit(response.AdditionalProperties));
        lock (entries)
        {
            entries.AddLast(entry);
            while (entries.Count > Capacity)
            {
                entries.RemoveFirst();
            }
        }
    }

    /// <summary>The last <paramref name="n"/> calls as text: each message by role, then the reply, as DSPy prints them.</summary>
    /// <param name="n">How many calls, newest last.</param>
    /// <returns>The text.</returns>
    public string Inspect(int n = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(n, 1);
        var all = Entries;
        var sb = new StringBuilder();
        foreach (var entry in all.Skip(Math.Max(0, all.Count - n)))
        {
            sb.Append("\n\n\n[").Append(entry.Timestamp.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture)).Append(']')
                .Append(entry.CacheHit ? " (cached)" : string.Empty).Append("\n\n");
            foreach (var message in entry.Messages)
            {
                var role = message.Role.Value;
                sb.Append(char.ToUpperInvariant(role[0])).Append(role[1..]).Append(" message:\n\n").Append(message.Text).Append("\n\n");
            }

            sb.Append("Response:\n\n").Append(entry.Response.Text).Append("\n\n");
        }

        return sb.ToString();
    }
}

/// <summary>One call in a <see cref="CallHistory"/>.</summary>
/// <param name="Timestamp">When the reply arrived.</param>
/// <param name="Messages">The request messages.</param>
/// <param name="Options">The request options.</param>
/// <param name="Response">The reply.</param>
/// <param name="CacheHit">Whether the reply came from the cache.</param>
public sealed record HistoryEntry(DateTimeOffset Timestamp, IReadOnlyList<ChatMessage> Messages, ChatOptions? Options, ChatResponse Response, bool CacheHit);
