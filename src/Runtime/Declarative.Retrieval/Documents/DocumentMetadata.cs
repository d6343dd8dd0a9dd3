namespace Declarative.Retrieval;

/// <summary>Where a document (and every chunk cut from it) came from.</summary>
public sealed record DocumentMetadata
{
    /// <summary>The source: a file path or URL; <see langword="null"/> when unknown.</summary>
    public string? Source { get; init; }

    /// <summary>The 1-based page number, for PDF pages; otherwise <see langword="null"/>.</summary>
    public int? Page { get; init; }

    /// <summary>The headings above the text, outermost first (Markdown sections); empty when none.</summary>
    public IReadOnlyList<string> HeadingPath { get; init; } = [];

    /// <summary>Other properties (string keys and values), usable in index filters; empty by default.</summary>
    public IReadOnlyDictionary<string, string> Properties { get; init; } = new Dictionary<string, string>();

    /// <summary>The heading path joined with <c>" &gt; "</c>, or an empty string.</summary>
    public string Heading => string.Join(" > ", HeadingPath);

    /// <summary>
    /// The metadata as flat string pairs (<c>source</c>, <c>page</c>, <c>heading</c> and the <see cref="Properties"/>), as
    /// the indexes store and filter it.
    /// </summary>
    /// <returns>A new dictionary.</returns>
    public Dictionary<string, string> ToDictionary()
    {
        var result = new Dictionary<string, string>(Properties, StringComparer.Ordinal);
        if (Source is not null)
        {
            result["source"] = Source;
        }

        if (Page is { } page)
        {
            result["page"] = page.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        if (HeadingPath.Count > 0)
        {
            result["heading"] = Heading;
        }

        return result;
    }
}
