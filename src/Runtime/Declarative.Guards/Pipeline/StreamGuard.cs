using System.Text;
using Microsoft.Extensions.AI;

namespace Declarative.Guards;

/// <summary>
/// Output guarding of a stream: text is buffered and released only once it is at least the hold-back distance behind
/// the newest text (and never inside a finding or an unterminated private key block), so that a secret split across
/// updates is still redacted or blocked whole. Non-text contents pass through at once.
/// </summary>
internal sealed class StreamGuard(InputGuard scanner, GuardAction action, int holdBack)
{
    private readonly StringBuilder pending = new();
    private readonly List<GuardFinding> findings = [];
    private int releasedTotal;

    /// <summary>Findings so far, with offsets into the whole streamed text.</summary>
    public IReadOnlyList<GuardFinding> Findings => findings;

    /// <summary>Set when <see cref="GuardAction.Block"/> found something; the caller must stop.</summary>
    public IReadOnlyList<GuardFinding>? BlockedFindings { get; private set; }

    /// <summary>Takes an update and returns it with only the text that can be released now.</summary>
    public ChatResponseUpdate Push(ChatResponseUpdate update)
    {
        var text = string.Concat(update.Contents.OfType<TextContent>().Select(t => t.Text));
        pending.Append(text);
        var release = Release(final: false);
        var copy = update.Clone();
        copy.Contents = [.. update.Contents.Where(c => c is not TextContent)];
        if (release.Length > 0)
        {
            copy.Contents.Insert(0, new TextContent(release));
        }

        return copy;
    }

    /// <summary>Releases what is left at the end of the stream, as one update modelled on the last one.</summary>
    public ChatResponseUpdate? Complete(ChatResponseUpdate? last)
    {
        var release = Release(final: true);
        if (release.Length == 0)
        {
            return null;
        }

        return new ChatResponseUpdate(ChatRole.Assistant, release)
        {
            ResponseId = last?.ResponseId,
            MessageId = last?.MessageId,
            ModelId = last?.ModelId,
        };
    }

    private string Release(bool final)
    {
        var text = pending.ToString();
        var found = scanner.Scan(text);
        var cut = final ? text.Length : Math.Max(0, text.Length - holdBack);
        if (!final)
        {
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
                while (cut > 0 && cut < text.Length && !char.IsWhiteSpace(text[cut - 1]) && !char.IsWhiteSpace(text[cut]))
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
        return action == GuardAction.Redact ? Redactor.Redact(chunk, settled) : chunk;
    }
}
