using System.Text;

namespace Declarative.Guards;

/// <summary>Replaces what guards found by <c>[REDACTED:kind]</c> placeholders.</summary>
public static class Redactor
{
    /// <summary>The placeholder that replaces a finding of <paramref name="kind"/>.</summary>
    /// <param name="kind">The finding's kind.</param>
    /// <returns>The placeholder.</returns>
    public static string Placeholder(string kind) => "[REDACTED:" + kind + "]";

    /// <summary>Replaces each finding's span of <paramref name="text"/> by its placeholder.</summary>
    /// <param name="text">The text the findings were made in.</param>
    /// <param name="findings">Non-overlapping findings with offsets into <paramref name="text"/>.</param>
    /// <returns>The redacted text.</returns>
    public static string Redact(string text, IReadOnlyList<GuardFinding> findings)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(findings);
        if (findings.Count == 0)
        {
            return text;
        }

        var sb = new StringBuilder(text.Length);
        var at = 0;
        foreach (var finding in findings.OrderBy(f => f.Start))
        {
            if (finding.Start < at || finding.Start + finding.Length > text.Length)
            {
                continue;
            }

            sb.Append(text, at, finding.Start - at).Append(Placeholder(finding.Kind));
            at = finding.Start + finding.Length;
        }

        return sb.Append(text, at, text.Length - at).ToString();
    }

    /// <summary>
    /// Redacts findings made in the text that <paramref name="parts"/> form together (their concatenation) part by part: a
    /// finding's placeholder goes in the part where it starts, and the rest of its span is removed from the parts it runs
    /// into, so a value split across parts is redacted whole and every part is kept (empty when wholly inside a finding).
    /// </summary>
    /// <param name="parts">The parts, in order.</param>
    /// <param name="findings">Non-overlapping findings with offsets into the concatenation of <paramref name="parts"/>.</param>
    /// <returns>The redacted parts, one for each of <paramref name="parts"/> (the same string where nothing was redacted).</returns>
    internal static string[] Redact(IReadOnlyList<string> parts, IReadOnlyList<GuardFinding> findings)
    {
        var ordered = findings.OrderBy(f => f.Start).ToArray();
        var result = new string[parts.Count];
        var next = 0; // the first finding that may reach into the current part (findings do not overlap)
        var partStart = 0;
        for (var p = 0; p < parts.Count; p++)
        {
            var part = parts[p];
            var partEnd = partStart + part.Length;
            while (next < ordered.Length && ordered[next].Start + ordered[next].Length <= partStart)
            {
                next++;
            }

            StringBuilder? sb = null;
            var at = 0;
            for (var i = next; i < ordered.Length && ordered[i].Start < partEnd; i++)
            {
                var finding = ordered[i];
                var from = Math.Max(finding.Start, partStart) - partStart;
                var to = Math.Min(finding.Start + finding.Length, partEnd) - partStart;
                if (from < at || to <= from)
                {
                    continue;
                }

                sb ??= new StringBuilder(part.Length);
                sb.Append(part, at, from - at);
                if (finding.Start >= partStart)
                {
                    sb.Append(Placeholder(finding.Kind));
                }

                at = to;
            }

            result[p] = sb is null ? part : sb.Append(part, at, part.Length - at).ToString();
            partStart = partEnd;
        }

        return result;
    }

    /// <summary>Scans <paramref name="text"/> with <see cref="SensitiveDataScanner"/> and redacts what it finds.</summary>
    /// <param name="text">The text.</param>
    /// <returns>The redacted text and the findings (offsets into <paramref name="text"/>).</returns>
    public static (string Text, IReadOnlyList<GuardFinding> Findings) Redact(string text)
    {
        var findings = SensitiveDataScanner.Scan(text);
        return (Redact(text, findings), findings);
    }
}
