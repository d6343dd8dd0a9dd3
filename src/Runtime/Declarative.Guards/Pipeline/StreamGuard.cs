using System.Buffers;
using System.Text;
using Microsoft.Extensions.AI;

namespace Declarative.Guards;

/// <summary>
/// Output guarding of a stream: text is buffered and released only once it is at least the hold-back distance behind
/// the newest text (and never inside a finding or an unterminated private key block), so that a secret split across
/// updates is still redacted or blocked whole. A reasoning model's visible reasoning (<see cref="TextReasoningContent"/>)
/// is held back the same way in a buffer of its own, and released as reasoning; other contents pass through at once.
/// </summary>
/// <remarks>
/// <para>
/// Text is cut only between words: next to white space, or between two characters of a script written without spaces
/// (Chinese, Japanese, Thai…), which no secret or personal-data format is made of; never inside a surrogate pair.
/// </para>
/// <para>
/// Answer text and reasoning are two channels: a secret is never assembled across them, and each one's findings have
/// offsets into that channel's whole streamed text (reasoning findings are named <see cref="ReasoningField"/>). The text
/// one channel holds back is released before an update carrying the other channel's text (as before a tool call or a
/// new message), so that contents keep the order they streamed in and a message's reasoning is not split around its
/// answer; a reasoning content with <see cref="TextReasoningContent.ProtectedData"/> (a provider's signature or encrypted
/// state, which ends its block) releases the reasoning held with it, and keeps that data, which is opaque and not scanned.
/// </para>
/// </remarks>
internal sealed class StreamGuard(InputGuard scanner, GuardAction action, int holdBack)
{
    /// <summary>The <see cref="GuardFinding.Field"/> of findings in a reasoning model's reasoning (<see cref="TextReasoningContent"/>).</summary>
    public const string ReasoningField = "(reasoning)";

    private readonly List<GuardFinding> findings = [];
    private readonly Channel text = new(scanner, action, holdBack, reasoning: false);
    private readonly Channel reasoning = new(scanner, action, holdBack, reasoning: true);

    /// <summary>Findings so far, with offsets into the whole streamed text of their channel (answer text or reasoning).</summary>
    public IReadOnlyList<GuardFinding> Findings => findings;

    /// <summary>
    /// Characters of held text copied out or scanned so far, both channels together: a measure of the work done, which a
    /// test checks stays linear in the streamed text (rescanning the held text on every update makes it quadratic).
    /// </summary>
    internal long CharactersExamined => text.CharactersExamined + reasoning.CharactersExamined;

    /// <summary>Set when <see cref="GuardAction.Block"/> found something; the caller must stop.</summary>
    public IReadOnlyList<GuardFinding>? BlockedFindings { get; private set; }

    /// <summary>
    /// Takes an update and returns it with only the text and reasoning that can be released now, preceded by the rest of
    /// a channel's held text when this update ends it (a new message, a tool call or result, or text of the other channel:
    /// it is scanned and released whole, with that message's role and id, in its place).
    /// </summary>
    public IReadOnlyList<ChatResponseUpdate> Push(ChatResponseUpdate update)
    {
        var released = new List<ChatResponseUpdate>(2);
        var channels = InOrder(update);
        foreach (var channel in channels)
        {
            if (channel.EndedBy(update))
            {
                var rest = Release(channel, final: true);
                if (BlockedFindings is not null)
                {
                    return [];
                }

                if (rest.Length > 0)
                {
                    released.Add(channel.Modelled(channel.Origin, rest));
                }
            }
        }

        var copy = update.Clone();
        copy.Contents = Others(update);
        if (action is GuardAction.Redact or GuardAction.Block && update.Contents.Any(c => c is TextContent or TextReasoningContent))
        {
            // The provider's object holds this update's text as it came: text still held back, or part of a secret found
            // only later, would reach the caller through it.
            copy.RawRepresentation = null;
        }

        var at = 0;
        foreach (var channel in channels)
        {
            var own = channel.Take(update);
            var release = Release(channel, final: own && channel.ClosedBy(update));
            if (BlockedFindings is not null)
            {
                break;
            }

            if (release.Length > 0)
            {
                copy.Contents.Insert(at++, channel.Create(release));
            }
        }

        released.Add(copy);
        return released;
    }

    /// <summary>Releases what is left at the end of the stream, as one update of the message the text came from.</summary>
    public ChatResponseUpdate? Complete(ChatResponseUpdate? last)
    {
        ChatResponseUpdate? tail = null;
        foreach (var channel in new[] { reasoning, text })
        {
            var release = Release(channel, final: true);
            if (BlockedFindings is not null)
            {
                return null;
            }

            if (release.Length > 0)
            {
                if (tail is null)
                {
                    tail = channel.Modelled(channel.Origin ?? last, release);
                }
                else
                {
                    tail.Contents.Add(channel.Create(release));
                }
            }
        }

        return tail;
    }

    /// <summary>The two channels in the order their contents first occur in <paramref name="update"/> (reasoning first otherwise).</summary>
    private Channel[] InOrder(ChatResponseUpdate update)
    {
        foreach (var content in update.Contents)
        {
            if (content is TextContent)
            {
                return [text, reasoning];
            }

            if (content is TextReasoningContent)
            {
                break;
            }
        }

        return [reasoning, text];
    }

    /// <summary>
    /// The contents of <paramref name="update"/> that are neither text nor reasoning, plus each reasoning content that
    /// carries protected data, without its text (the channel releases that): the opaque data is never dropped.
    /// </summary>
    private static List<AIContent> Others(ChatResponseUpdate update) =>
    [
        .. update.Contents
            .Where(c => c is not TextContent and not TextReasoningContent || c is TextReasoningContent { ProtectedData: not null })
            .Select(c => c is TextReasoningContent { Text.Length: > 0 } r
                ? new TextReasoningContent(string.Empty) { ProtectedData = r.ProtectedData, AdditionalProperties = r.AdditionalProperties }
                : c),
    ];

    private string Release(Channel channel, bool final)
    {
        var (chunk, settled, blocked) = channel.Release(final);
        if (blocked)
        {
            BlockedFindings = settled;
            return string.Empty;
        }

        findings.AddRange(settled);
        return chunk;
    }

    /// <summary>The held-back text of one channel: answer text (<see cref="TextContent"/>) or reasoning (<see cref="TextReasoningContent"/>).</summary>
    private sealed class Channel(InputGuard scanner, GuardAction action, int holdBack, bool reasoning)
    {
        /// <summary>
        /// How much released text is scanned again with the pending text: more than the scanner reads before a value (the
        /// 40 characters of an identifier label or a phone word, an AWS key's name, a JSON credential's name).
        /// </summary>
        private const int ContextLength = 64;

        private readonly StringBuilder pending = new();

        // Offsets of findings are into the channel's whole streamed text: what was released before plus the pending text.
        private int releasedTotal;

        // The last position of the pending text (0 < p < Length) where it may be cut; 0 when there is none.
        private int lastBreak;

        // The end of the released text (as it came, not redacted), at most ContextLength characters from a break: the words
        // before the pending text, which decide what a value at its start is ("phone: 912 345 678", "Password = x",
        // "Invoice 0815 2024 0001"). Empty once the channel's text has ended.
        private string context = string.Empty;

        // When the pending text starts with a private key block not yet terminated: how far it was searched for its END
        // line (so that a long block in small updates is not rescanned on each); -1 otherwise.
        private int openChecked = -1;

        /// <summary>Characters of the pending and context text copied out or scanned so far (see <see cref="StreamGuard.CharactersExamined"/>).</summary>
        public long CharactersExamined { get; private set; }

        /// <summary>The last update whose text is pending: the message that text belongs to.</summary>
        public ChatResponseUpdate? Origin { get; private set; }

        /// <summary>
        /// Whether <paramref name="next"/> ends the pending text before its own contents: a new message, a tool call or
        /// result (nothing after those can continue that text), or an update whose first text is the other channel's.
        /// </summary>
        public bool EndedBy(ChatResponseUpdate next) =>
            pending.Length > 0 && Origin is not null
            && (EndsText(Origin, next) || FirstText(next) is { } first && TextOf(first, other: true).Length > 0);

        /// <summary>
        /// Whether the text of <paramref name="next"/>, taken into this channel, ends it: after that text the update also
        /// carries the other channel's text (the stream switches channel inside it) or a tool call or result (released
        /// after the text, as it came), or it is reasoning with protected data, which closes its block.
        /// </summary>
        public bool ClosedBy(ChatResponseUpdate next) =>
            next.Contents.SkipWhile(c => TextOf(c, other: false).Length == 0)
                .Any(c => TextOf(c, other: true).Length > 0 || c is FunctionCallContent or FunctionResultContent)
            || (reasoning && next.Contents.Any(c => c is TextReasoningContent { ProtectedData: not null }));

        /// <summary>The first content of <paramref name="update"/> that carries text of either channel.</summary>
        private AIContent? FirstText(ChatResponseUpdate update) =>
            update.Contents.FirstOrDefault(c => TextOf(c, other: false).Length > 0 || TextOf(c, other: true).Length > 0);

        /// <summary>Appends the channel's text of <paramref name="update"/>; whether it has any (or, for reasoning, protected data).</summary>
        public bool Take(ChatResponseUpdate update)
        {
            var taken = string.Concat(update.Contents.Select(c => TextOf(c, other: false)));
            if (taken.Length > 0)
            {
                Origin = update;
                Append(taken);
                return true;
            }

            return reasoning && update.Contents.Any(c => c is TextReasoningContent { ProtectedData: not null });
        }

        public AIContent Create(string released) => reasoning ? new TextReasoningContent(released) : new TextContent(released);

        public ChatResponseUpdate Modelled(ChatResponseUpdate? on, string released) => new(on?.Role ?? ChatRole.Assistant, [Create(released)])
        {
            ResponseId = on?.ResponseId,
            MessageId = on?.MessageId,
            ModelId = on?.ModelId,
            ConversationId = on?.ConversationId,
            AuthorName = on?.AuthorName,
        };

        private void Append(string text)
        {
            if (text.Length == 0)
            {
                return;
            }

            // Only the positions the new text touches can have become breaks (the one before the old last character too: a
            // surrogate pair may have been split across updates); the two characters before give the rune before each.
            var from = Math.Max(1, pending.Length - 1);
            var at = Math.Max(0, from - 2);
            pending.Append(text);
            var window = pending.ToString(at, pending.Length - at);
            CharactersExamined += window.Length;
            for (var p = from; p < pending.Length; p++)
            {
                if (IsBreak(window, p - at))
                {
                    lastBreak = p;
                }
            }
        }

        /// <summary>
        /// What of the pending text can be released now (all of it when <paramref name="final"/>), redacted under
        /// <see cref="GuardAction.Redact"/>; the findings in it, placed in the channel's whole text; and whether it blocks.
        /// </summary>
        public (string Chunk, GuardFinding[] Settled, bool Blocked) Release(bool final)
        {
            // Not final, the cut can only move back from the hold-back point to a break: with none before it, nothing can be
            // released, so the text is not scanned again (a long text without spaces in small updates would be quadratic).
            if (!final && (pending.Length <= holdBack || (lastBreak == 0 && !EndsWord(pending))))
            {
                return (string.Empty, [], false);
            }

            if (!final && openChecked >= 0)
            {
                var from = Math.Max(0, openChecked - 64);
                var tail = pending.ToString(from, pending.Length - from);
                CharactersExamined += tail.Length;
                if (!Terminated(tail, 0))
                {
                    var end = tail.IndexOf("-----END", StringComparison.Ordinal);
                    openChecked = end >= 0 ? from + end : pending.Length;
                    return (string.Empty, [], false);
                }
            }

            openChecked = -1;
            var text = pending.ToString();
            CharactersExamined += text.Length;
            var found = ScanAfterContext(text);
            var cut = final ? text.Length : Math.Max(0, text.Length - holdBack);
            if (!final)
            {
                // The end of an update is not the end of a word (unless white space follows it): the word may go on.
                if (cut == text.Length && !EndsWord(pending))
                {
                    cut = lastBreak;
                }

                var begin = text.LastIndexOf("-----BEGIN", StringComparison.Ordinal);
                if (begin >= 0 && !Terminated(text, begin))
                {
                    cut = Math.Min(cut, begin);
                }

                int previous;
                do
                {
                    previous = cut;
                    foreach (var f in found)
                    {
                        if (f.Start < cut && f.Start + f.Length > cut)
                        {
                            cut = f.Start;
                        }
                    }

                    // Never release part of a word: a key whose start has streamed but whose end has not is not matched yet.
                    while (cut > 0 && cut < text.Length && !IsBreak(text, cut))
                    {
                        cut--;
                    }
                }
                while (cut != previous);

                if (begin >= 0 && cut == begin && !Terminated(text, begin))
                {
                    // What is left starts with the open block: until its END line streams, nothing more can be released.
                    openChecked = text.Length - begin;
                }
            }

            var settled = found.Where(f => f.Start + f.Length <= cut).ToArray();
            var placed = settled.Select(f => f with { Start = f.Start + releasedTotal, Field = reasoning ? ReasoningField : f.Field }).ToArray();
            if (settled.Length > 0 && action == GuardAction.Block)
            {
                return (string.Empty, placed, true);
            }

            var chunk = text[..cut];
            pending.Remove(0, cut);
            releasedTotal += cut;
            context = final ? string.Empty : Tail(context + chunk);
            lastBreak = lastBreak > cut ? lastBreak - cut : 0;
            return (action == GuardAction.Redact ? Redactor.Redact(chunk, settled) : chunk, placed, false);
        }

        /// <summary>
        /// Scans <paramref name="text"/> (the pending text) after the released <see cref="context"/>, so that the words
        /// before a value decide about it as they do in the whole text; returns the findings that reach into
        /// <paramref name="text"/>, with offsets into it (one that began in the released text is cut to its part here).
        /// </summary>
        private IReadOnlyList<GuardFinding> ScanAfterContext(string text)
        {
            CharactersExamined += context.Length + text.Length;
            if (context.Length == 0)
            {
                return scanner.Scan(text);
            }

            var offset = context.Length;
            return
            [
                .. scanner.Scan(context + text)
                    .Where(f => f.Start + f.Length > offset)
                    .Select(f => f.Start >= offset
                        ? f with { Start = f.Start - offset }
                        : f with { Start = 0, Length = f.Start + f.Length - offset }),
            ];
        }

        /// <summary>The last <see cref="ContextLength"/> characters of <paramref name="released"/> or fewer, from a break.</summary>
        private static string Tail(string released)
        {
            if (released.Length <= ContextLength)
            {
                return released;
            }

            var start = released.Length - ContextLength;
            while (start < released.Length && !IsBreak(released, start))
            {
                start++;
            }

            return released[start..];
        }

        /// <summary>
        /// Whether the PEM block at <paramref name="begin"/> has a whole END line ("-----END …-----"): until its closing dashes
        /// have streamed, the scanner cannot match the block, and its body must not be released.
        /// </summary>
        private static bool Terminated(string text, int begin)
        {
            var end = text.IndexOf("-----END", begin, StringComparison.Ordinal);
            return end >= 0 && text.IndexOf("-----", end + 8, StringComparison.Ordinal) >= 0;
        }

        /// <summary>Whether <paramref name="previous"/>'s message ends at <paramref name="next"/>: a new message, or a tool call or result.</summary>
        private static bool EndsText(ChatResponseUpdate previous, ChatResponseUpdate next) =>
            (next.MessageId is { Length: > 0 } id && previous.MessageId is { Length: > 0 } was && !string.Equals(id, was, StringComparison.Ordinal))
            || (next.Role is { } role && previous.Role is { } wasRole && role != wasRole)
            || next.Contents.Any(c => c is FunctionCallContent or FunctionResultContent);

        /// <summary>The text of <paramref name="content"/> when it belongs to this channel (or to the other one); empty otherwise.</summary>
        private string TextOf(AIContent content, bool other) => (reasoning != other, content) switch
        {
            (true, TextReasoningContent r) => r.Text ?? string.Empty,
            (false, TextContent t) => t.Text ?? string.Empty,
            _ => string.Empty,
        };

        private static bool EndsWord(StringBuilder text) => text.Length > 0 && char.IsWhiteSpace(text[^1]);

        /// <summary>Whether <paramref name="text"/> may be cut before position <paramref name="at"/> (0 &lt; at &lt; Length).</summary>
        private static bool IsBreak(string text, int at)
        {
            if (char.IsWhiteSpace(text[at - 1]) || char.IsWhiteSpace(text[at]))
            {
                return true;
            }

            return Rune.DecodeLastFromUtf16(text.AsSpan(0, at), out var before, out _) == OperationStatus.Done
                && Rune.DecodeFromUtf16(text.AsSpan(at), out var after, out _) == OperationStatus.Done
                && IsUnspaced(before.Value) && IsUnspaced(after.Value);
        }

        /// <summary>A character of a script written without spaces between words (CJK ideographs, kana, their punctuation; Thai, Lao, Khmer, Myanmar).</summary>
        private static bool IsUnspaced(int c) => c is (>= 0x0E00 and <= 0x0EFF) or (>= 0x1000 and <= 0x109F) or (>= 0x1780 and <= 0x17FF)
            or (>= 0x2E80 and <= 0x2FDF) or (>= 0x3001 and <= 0x30FF) or (>= 0x3100 and <= 0x312F) or (>= 0x31A0 and <= 0x31FF)
            or (>= 0x3400 and <= 0x4DBF) or (>= 0x4E00 and <= 0x9FFF) or (>= 0xF900 and <= 0xFAFF)
            or (>= 0xFF01 and <= 0xFF0F) or (>= 0xFF1A and <= 0xFF20) or (>= 0xFF3B and <= 0xFF40) or (>= 0xFF5B and <= 0xFF9F)
            or (>= 0x20000 and <= 0x3FFFF);
    }
}
