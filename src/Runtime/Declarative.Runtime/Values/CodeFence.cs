namespace Declarative.Values;

/// <summary>
/// Removes the Markdown code fence models put around a value (<c>```sql … ```</c>, <c>```json … ```</c>). The one
/// fence stripper of the runtime: the lenient JSON reader, text-to-SQL and the SQL output guard all use it.
/// </summary>
/// <remarks>
/// A fenced text starts with three or more backticks or tildes and ends with the same fence. A fence written over
/// several lines drops its opening line when that is an info string (one word, such as <c>sql</c>); one written on a single line
/// (<c>```SELECT 1```</c>) keeps everything between the fences, as Markdown's inline code does. Anything else, including
/// text after the closing fence, is returned trimmed but otherwise unchanged: nothing is silently dropped.
/// </remarks>
internal static class CodeFence
{
    /// <summary>The text without its surrounding fence, trimmed; the trimmed text itself when it is not fenced.</summary>
    /// <param name="text">The text.</param>
    /// <returns>The content.</returns>
    public static string Strip(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var trimmed = text.Trim();
        if (trimmed.Length == 0 || trimmed[0] is not ('`' or '~'))
        {
            return trimmed;
        }

        var marker = trimmed[0];
        var open = 0;
        while (open < trimmed.Length && trimmed[open] == marker)
        {
            open++;
        }

        var close = 0;
        while (close < trimmed.Length - open && trimmed[trimmed.Length - 1 - close] == marker)
        {
            close++;
        }

        if (open < 3 || close < open)
        {
            return trimmed;
        }

        var inner = trimmed[open..^close];
        var newline = inner.IndexOf('\n', StringComparison.Ordinal);
        if (newline < 0)
        {
            return inner.Trim();
        }

        // The opening line is an info string (a language name) when it is one word; otherwise it is content.
        var info = inner[..newline].Trim();
        return info.Any(char.IsWhiteSpace) ? inner.Trim() : inner[(newline + 1)..].Trim();
    }
}
