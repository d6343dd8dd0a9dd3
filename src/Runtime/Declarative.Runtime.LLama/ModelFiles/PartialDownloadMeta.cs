using System.Globalization;

namespace Declarative.Runtime.LLama;

/// <summary>
/// What the first response of a download said about the file (<c>&lt;file&gt;.partial.meta</c>), so that a later
/// attempt resumes only the same version: its URL, strong ETag or Last-Modified (sent as <c>If-Range</c>) and length.
/// </summary>
internal sealed record PartialDownloadMeta(string Url, string? ETag, DateTimeOffset? LastModified, long? Length)
{
    /// <summary>Reads the record, or returns <see langword="null"/> when it is missing or unreadable.</summary>
    public static PartialDownloadMeta? TryRead(string path)
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in lines)
        {
            var colon = line.IndexOf(": ", StringComparison.Ordinal);
            if (colon > 0)
            {
                fields[line[..colon]] = line[(colon + 2)..];
            }
        }

        if (!fields.TryGetValue("url", out var url))
        {
            return null;
        }

        return new PartialDownloadMeta(
            url,
            fields.GetValueOrDefault("etag"),
            fields.TryGetValue("last-modified", out var modified) && DateTimeOffset.TryParse(modified, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var date) ? date : null,
            fields.TryGetValue("length", out var length) && long.TryParse(length, NumberStyles.None, CultureInfo.InvariantCulture, out var bytes) ? bytes : null);
    }

    /// <summary>Writes the record.</summary>
    public void Write(string path)
    {
        var lines = new List<string> { "url: " + Url };
        if (ETag is not null)
        {
            lines.Add("etag: " + ETag);
        }

        if (LastModified is { } modified)
        {
            lines.Add("last-modified: " + modified.ToString("O", CultureInfo.InvariantCulture));
        }

        if (Length is { } length)
        {
            lines.Add("length: " + length.ToString(CultureInfo.InvariantCulture));
        }

        File.WriteAllLines(path, lines);
    }
}
