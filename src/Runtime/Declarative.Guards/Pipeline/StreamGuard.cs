using System.Buffers;
using System.Text;
using Microsoft.Extensions.AI;

namespace Declarative.Guards;

/// <summary>
/// Output guarding of a stream: text is buffered and released only once it is at least the hold-back distance behind
/// the newest text (and never inside a finding or an unterminated private key block), so that a secret split across
/// updates is still redacted or blocked whole. Non-text contents pass through at once.
/// </summary>
/// <remarks>
/// Text is cut only between words: next to white space, or between two characters of a script written without spaces
/// (Chinese, Japanese, Thai…), which no secret or personal-data format is made of; never inside a surrogate pair.
/// </remarks>
internal sealed class StreamGuard(InputGuard scanner, GuardAction action, int holdBack)
{
    /// <summary>The <see cref="GuardFinding.Field"/> of findings in a reasoning model's reasoning (<see cref="TextReasoningContent"/>).</summary>
    public const string ReasoningField = "(reasoning)";

    private readonly StringBuilder pending = new();
    private readonly List<GuardFinding> findings = [];
    private int releasedTotal;

    // The last update whose text is pending: the message that text belongs to.
    private ChatResponseUpdate? origin;

    // The last position of the pending text (0 < p < Length) where it may be cut; 0 when there is none.
    private int lastBreak;

    /// <summary>Findings so far, with offsets into the whole streamed text.</summary>
    public IReadOnlyList<GuardFinding> Findings => findings;

    /// <summary>Set when <see cref="GuardAction.Block"/> found something; the caller must stop.</summary>
    public IReadOnlyList<GuardFinding>? BlockedFindings { get; private set; }

    /// <summary>
    /// Takes an update and returns it with only the text that can be released now, preceded by the rest of the text of
    /// the message before when this update ends it (a new message, or a tool call or result: nothing after those can
    /// continue that text, so it is scanned and released whole, with that message's role and id, in its place).
    /// </summary>
    public IReadOnlyList<ChatResponseUpdate> Push(ChatResponseUpdate update)
    {
        var released = new List<ChatResponseUpdate>(2);
        if (pending.Length > 0 && origin is not null && EndsText(origin, update))
        {
            var rest = Release(final: true);
            if (BlockedFindings is not null)
            {
                return [];
            }

            if (rest.Length > 0)
            {
                released.Add(Modelled(origin, rest));
            }
        }

        var text = string.Concat(update.Contents.OfType<TextContent>().Select(t => t.Text));
        if (text.Length > 0)
        {
            origin = update;
            Append(text);
        }

        var release = Release(final: false);
        var copy = update.Clone();
        copy.Contents = [.. update.Contents.Where(c => c is not TextContent)];
        if (release.Length > 0)
        {
            copy.Contents.Insert(0, new TextContent(release));
        }

        released.Add(copy);
        return released;
    }

    /// <summary>Releases what is left at the end of the stream, as one update of the message the text came from.</summary>
    public ChatResponseUpdate? Complete(ChatResponseUpdate? last)
    {
        var release = Release(final: true);
        if (release.Length == 0)
        {
            return null;
        }

        return Modelled(origin ?? last, release);
    }

    /// <summary>Whether <paramref name="next"/> ends the text of the message of <paramref name="previous"/>.</summary>
    private static bool EndsText(ChatResponseUpdate previous, ChatResponseUpdate next) =>
        (next.MessageId is { Length: > 0 } id && previous.MessageId is { Length: > 0 } was && !string.Equals(id, was, StringComparison.Ordinal))
        || (next.Role is { } role && previous.Role is { } wasRole && role != wasRole)
        || next.Contents.Any(c => c is FunctionCallContent or FunctionResultContent);

    private static ChatResponseUpdate Modelled(ChatResponseUpdate? on, string text) => new(on?.Role ?? ChatRole.Assistant, text)
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
        for (var p = from; p < pending.Length; p++)
        {
            if (IsBreak(window, p - at))
            {
                lastBreak = p;
            }
        }
    }

    private string Release(bool final)
    {
        // Not final, the cut can only move back from the hold-back point to a break: with none before it, nothing can be
        // released, so the text is not scanned again (a long text without spaces in small updates would be quadratic).
        if (!final && (pending.Length <= holdBack || (lastBreak == 0 && !EndsWord(pending))))
        {
            return string.Empty;
        }

        var text = pending.ToString();
        var found = scanner.Scan(text);
        var cut = final ? text.Length : Math.Max(0, text.Length - holdBack);
        if (!final)
        {
            // The end of an update is not the end of a word (unless white space follows it): the word may go on.
            if (cut == text.Length && !EndsWord(pending))
            {
                cut = lastBreak;
            }

            var begin = text.LastIndexOf("-----BEGIN", StringComparison.Ordinal);
            if (begin >= 0 && text.IndexOf("-----END", begin, StringComparison.Ordinal) < 0)
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
        }

        var settled = found.Where(f => f.Start + f.Length <= cut).ToArray();
        if (settled.Length > 0 && action == GuardAction.Block)
        {
            BlockedFindings = settled.Select(f => f with { Start = f.Start + releasedTotal }).ToArray();
            return string.Empty;
        }

        findings.AddRange(settled.Select(f => f with { Start = f.Start + releasedTotal }));
        var chunk = text[..cut];
        pending.Remove(0, cut);
        releasedTotal += cut;
        lastBreak = lastBreak > cut ? lastBreak - cut : 0;
        return action == GuardAction.Redact ? Redactor.Redact(chunk, settled) : chunk;
    }

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
