using UglyToad.PdfPig.Content;
using UglyToad.PdfPig.Core;
using UglyToad.PdfPig.Fonts.Standard14Fonts;
using UglyToad.PdfPig.Writer;

namespace Declarative.Retrieval.Tests;

public sealed class DocumentLoaderTests
{
    [Fact]
    public void Markdown_sections_keep_their_heading_path_and_cover_the_text()
    {
        const string markdown = "Intro line.\n\n# Guide\n\nGeneral words.\n\n## Install `tool`\n\nRun it.\n\n### Linux\n\napt.\n\n## Use\n\nCall it.\n\n# Reference\n\nAPI.\n";
        var docs = DocumentLoader.ParseMarkdown(markdown, "README.md");
        Assert.Equal(
            ["", "Guide", "Guide > Install tool", "Guide > Install tool > Linux", "Guide > Use", "Reference"],
            docs.Select(d => d.Metadata.Heading));
        Assert.Equal(markdown, string.Concat(docs.Select(d => d.Text)));
        Assert.Equal(["README.md#0", "README.md#1", "README.md#2", "README.md#3", "README.md#4", "README.md#5"], docs.Select(d => d.Id));
        Assert.All(docs, d => Assert.Equal("README.md", d.Metadata.Source));
        Assert.StartsWith("### Linux", docs[3].Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Text_files_load_as_one_document()
    {
        var path = Path.Combine(Path.GetTempPath(), $"rag-{Guid.NewGuid():N}.txt");
        await File.WriteAllTextAsync(path, "plain 😀 text");
        try
        {
            var doc = await DocumentLoader.LoadTextAsync(path);
            Assert.Equal("plain 😀 text", doc.Text);
            Assert.Equal(path, doc.Metadata.Source);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Pdf_pages_become_documents_with_their_page_numbers()
    {
        var builder = new PdfDocumentBuilder();
        var font = builder.AddStandard14Font(Standard14Font.Helvetica);
        foreach (var text in new[] { "First page about vectors", "Second page about keywords" })
        {
            var page = builder.AddPage(PageSize.A4);
            page.AddText(text, 12, new PdfPoint(25, 700), font);
        }

        var docs = DocumentLoader.LoadPdf(builder.Build(), "manual.pdf");
        Assert.Equal(2, docs.Count);
        Assert.Equal([1, 2], docs.Select(d => d.Metadata.Page!.Value));
        Assert.Contains("vectors", docs[0].Text, StringComparison.Ordinal);
        Assert.Contains("keywords", docs[1].Text, StringComparison.Ordinal);
        Assert.Equal("manual.pdf#p2", docs[1].Id);
    }

    [Fact]
    public void Bytes_that_are_not_a_pdf_give_a_typed_error()
    {
        var ex = Assert.Throws<DocumentLoadException>(() => DocumentLoader.LoadPdf("not a pdf"u8.ToArray(), "x.pdf"));
        Assert.Contains("x.pdf", ex.Message, StringComparison.Ordinal);
    }
}
