namespace Declarative.Retrieval;

/// <summary>
/// A unit of source text to be chunked and indexed: a plain-text file, one section of a Markdown file, or one page of
/// a PDF, with where it came from.
/// </summary>
/// <param name="Id">A stable identifier, unique within a corpus (loaders use <c>source</c>, <c>source#n</c> or <c>source#p{page}</c>).</param>
/// <param name="Text">The text.</param>
/// <param name="Metadata">Where the text came from.</param>
public sealed record Document(string Id, string Text, DocumentMetadata Metadata)
{
    /// <summary>Creates a document with only a source.</summary>
    /// <param name="id">The identifier.</param>
    /// <param name="text">The text.</param>
    /// <param name="source">The source (a path or URL), or <see langword="null"/>.</param>
    /// <returns>The document.</returns>
    public static Document FromText(string id, string text, string? source = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        ArgumentNullException.ThrowIfNull(text);
        return new Document(id, text, new DocumentMetadata { Source = source });
    }
}
