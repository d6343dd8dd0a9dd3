using System.Globalization;
using Markdig;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;
using UglyToad.PdfPig;

namespace Declarative.Retrieval;

/// <summary>Loads documents from plain text, Markdown (one document per section, with its heading path) and PDF (one per page).</summary>
public static class DocumentLoader
{
    /// <summary>Loads a plain-text file as one document whose id and source are the path.</summary>
    /// <param name="path">The file path.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The document.</returns>
    public static async Task<Document> LoadTextAsync(string path, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var text = await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false);
        return Document.FromText(path, text, path);
    }

    /// <summary>Loads a Markdown file; see <see cref="ParseMarkdown"/>.</summary>
    /// <param name="path">The file path (used as the source).</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>One document per section.</returns>
    public static async Task<IReadOnlyList<Document>> LoadMarkdownAsync(string path, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var text = await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false);
        return ParseMarkdown(text, path);
    }

    /// <summary>
    /// Splits Markdown into one document per section: the text from a heading (included) to the next heading of any
    /// level, with the path of headings above it (outermost first). Text before the first heading is a section with an
    /// empty path. Ids are <c>source#n</c>, numbering the sections from 0. The sections' texts, in order, are the whole
    /// input except sections that hold only white space, which are left out (their numbers are skipped).
    /// </summary>
    /// <param name="markdown">The Markdown text.</param>
    /// <param name="source">The source, used in ids and metadata.</param>
    /// <returns>The sections that hold any text other than white space.</returns>
    public static IReadOnlyList<Document> ParseMarkdown(string markdown, string source)
    {
        ArgumentNullException.ThrowIfNull(markdown);
        ArgumentException.ThrowIfNullOrEmpty(source);
        var parsed = Markdown.Parse(markdown, new MarkdownPipelineBuilder().UsePreciseSourceLocation().Build());
        var headings = parsed.Descendants<HeadingBlock>().Where(h => h.Parent == parsed).ToList();
        var starts = new List<(int Start, IReadOnlyList<string> Path)>();
        var stack = new List<(int Level, string Title)>();
        if (headings.Count == 0 || headings[0].Span.Start > 0)
        {
            starts.Add((0, []));
        }

        foreach (var heading in headings)
        {
            while (stack.Count > 0 && stack[^1].Level >= heading.Level)
            {
                stack.RemoveAt(stack.Count - 1);
            }

            stack.Add((heading.Level, HeadingText(heading, markdown)));
            starts.Add((heading.Span.Start, stack.Select(s => s.Title).ToArray()));
        }

        var result = new List<Document>();
        for (var i = 0; i < starts.Count; i++)
        {
            var end = i + 1 < starts.Count ? starts[i + 1].Start : markdown.Length;
            var text = markdown[starts[i].Start..end];
            if (string.IsNullOrWhiteSpace(text))
            {
                continue;
            }

            result.Add(new Document(
                string.Create(CultureInfo.InvariantCulture, $"{source}#{i}"),
                text,
                new DocumentMetadata { Source = source, HeadingPath = starts[i].Path }));
        }

        return result;
    }

    /// <summary>Loads a PDF with PdfPig: one document per page that has text, id <c>source#p{page}</c>, with the 1-based page number.</summary>
    /// <param name="path">The file path (used as the source).</param>
    /// <returns>The pages.</returns>
    /// <exception cref="DocumentLoadException">The file is not a readable PDF.</exception>
    public static IReadOnlyList<Document> LoadPdf(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        try
        {
            using var pdf = PdfDocument.Open(path);
            return ReadPages(pdf, path);
        }
        catch (Exception ex) when (ex is not (OutOfMemoryException or FileNotFoundException or DirectoryNotFoundException or UnauthorizedAccessException))
        {
            throw new DocumentLoadException($"'{path}' could not be read as a PDF ({ex.Message}). Check that it is a PDF file and not encrypted or damaged.", ex);
        }
    }

    /// <summary>Loads a PDF from bytes; see <see cref="LoadPdf(string)"/>.</summary>
    /// <param name="bytes">The PDF file's bytes.</param>
    /// <param name="source">The source, used in ids and metadata.</param>
    /// <returns>The pages.</returns>
    /// <exception cref="DocumentLoadException">The bytes are not a readable PDF.</exception>
    public static IReadOnlyList<Document> LoadPdf(byte[] bytes, string source)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        ArgumentException.ThrowIfNullOrEmpty(source);
        try
        {
            using var pdf = PdfDocument.Open(bytes);
            return ReadPages(pdf, source);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            throw new DocumentLoadException($"'{source}' could not be read as a PDF ({ex.Message}). Check that it is a PDF file and not encrypted or damaged.", ex);
        }
    }

    private static List<Document> ReadPages(PdfDocument pdf, string source)
    {
        var result = new List<Document>();
        foreach (var page in pdf.GetPages())
        {
            var text = page.Text;
            if (string.IsNullOrWhiteSpace(text))
            {
                continue;
            }

            result.Add(new Document(
                string.Create(CultureInfo.InvariantCulture, $"{source}#p{page.Number}"),
                text,
                new DocumentMetadata { Source = source, Page = page.Number }));
        }

        return result;
    }

    private static string HeadingText(HeadingBlock heading, string markdown)
    {
        if (heading.Inline is null)
        {
            return string.Empty;
        }

        var builder = new System.Text.StringBuilder();
        foreach (var inline in heading.Inline.Descendants())
        {
            switch (inline)
            {
                case LiteralInline literal:
                    builder.Append(literal.Content.ToString());
                    break;
                case CodeInline code:
                    builder.Append(code.Content);
                    break;
                case LineBreakInline:
                    builder.Append(' ');
                    break;
            }
        }

        var text = builder.ToString().Trim();
        return text.Length > 0 ? text : markdown[heading.Span.Start..(heading.Span.End + 1)].Trim().TrimStart('#').Trim();
    }
}
