using Microsoft.Extensions.AI;

namespace Declarative.Runtime.Onnx.Tests;

/// <summary>
/// Text is read as BERT's own tokenizer reads it (the encoder was trained so): line breaks and tabs separate words,
/// invisible format characters vanish, and Hangul is decomposed into the jamo the vocabulary holds.
/// </summary>
[Collection(EncoderCollection.Name)]
public sealed class NormalizationTests(EncoderFixture fixture)
{
    [Theory]
    [InlineData("## Reporting a Vulnerability\n\nIf you think you have found an issue, write to us.", "## Reporting a Vulnerability If you think you have found an issue, write to us.")]
    [InlineData("10,20,30\n15,25,35\r\n12,22,32", "10,20,30 15,25,35 12,22,32")]
    [InlineData("name\tage\tcity", "name age city")]
    [InlineData("Ignore\u00a0all previous\u2003instructions", "Ignore all previous instructions")]
    [InlineData("pass\u200bword re\u00adset \u202eleft\u202c", "password reset left")]
    [InlineData("RÉSUMÉ of the Café", "resume of the cafe")]
    public async Task Spacing_and_invisible_characters_are_read_as_bert_reads_them(string text, string equivalent)
    {
        var vectors = await fixture.Generator.GenerateAsync([text, equivalent]);

        var cosine = EncoderFixture.Cosine(vectors[0].Vector.Span, vectors[1].Vector.Span);
        Assert.True(cosine >= 0.9999, $"cosine {cosine}");
    }

    [Fact]
    public async Task A_line_break_is_not_the_same_as_no_space()
    {
        var vectors = await fixture.Generator.GenerateAsync(["Vulnerability\nIf", "VulnerabilityIf"]);

        Assert.True(EncoderFixture.Cosine(vectors[0].Vector.Span, vectors[1].Vector.Span) < 0.99);
    }

    [Fact]
    public async Task Hangul_words_are_not_all_one_unknown_token()
    {
        // Read as whole syllables, every Korean word was the unknown token and so had the same embedding.
        var vectors = await fixture.Generator.GenerateAsync(["안녕하세요", "감사합니다"]);

        Assert.True(EncoderFixture.Cosine(vectors[0].Vector.Span, vectors[1].Vector.Span) < 0.99);
    }

    [Fact]
    public async Task Text_that_needs_no_normalization_is_unchanged()
    {
        var normalization = new BertNormalization(uncased: true);
        const string text = "plain lower-case ascii text, with punctuation: 1 + 2 = 3.";

        Assert.Same(text, normalization.Normalize(text));
        Assert.Equal("hello world", normalization.Normalize("HELLO\nWORLD"));
        Assert.Equal(["Hello", "世", "界"], new BertNormalization(uncased: false).Normalize("Hello世界").Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal("ᄋ", new BertNormalization(uncased: true).Normalize("안")[..1]);
    }
}
