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

    /// <summary>Scans <paramref name="text"/> with <see cref="SensitiveDataScanner"/> and redacts what it finds.</summary>
    /// <param name="text">The text.</param>
    /// <returns>The redacted text and the findings (offsets into <paramref name="text"/>).</returns>
    public static (string Text, IReadOnlyList<GuardFinding> Findings) Redact(string text)
    {
        var findings = SensitiveDataScanner.Scan(text);
        return (Redact(text, findings), findings);
    }
}
