namespace Declarative.Retrieval.Tests;

public sealed class ChunkingTests
{
    private static readonly DocumentMetadata Metadata = new() { Source = "doc.md", Page = 3, HeadingPath = ["Guide", "Install"] };

    public static TheoryData<int, int, ChunkLengthUnit> Sizes() => new()
    {
        { 16, 0, ChunkLengthUnit.Characters },
        { 64, 0, ChunkLengthUnit.Characters },
        { 300, 0, ChunkLengthUnit.Characters },
        { 64, 16, ChunkLengthUnit.Characters },
        { 12, 0, ChunkLengthUnit.Tokens },
        { 40, 0, ChunkLengthUnit.Tokens },
        { 40, 10, ChunkLengthUnit.Tokens },
    };

    [Theory]
    [MemberData(nameof(Sizes))]
    public void Random_texts_chunk_within_the_limit_with_right_offsets_and_metadata(int size, int overlap, ChunkLengthUnit unit)
    {
        var chunker = new TextChunker(new ChunkerOptions { ChunkSize = size, ChunkOverlap = overlap, Unit = unit });
        var random = new Random(size * 31 + overlap);
        for (var round = 0; round < 25; round++)
        {
            var text = RandomTexts.Make(random, random.Next(0, 200));
            var document = new Document("d" + round, text, Metadata);
            var chunks = chunker.Split(document);
            var previousEnd = 0;
            for (var i = 0; i < chunks.Count; i++)
            {
                var chunk = chunks[i];
                Assert.Equal($"d{round}:{i}", chunk.Id);
                Assert.Equal(i, chunk.Index);
                Assert.Same(Metadata, chunk.Metadata);
                Assert.Equal(text.Substring(chunk.Offset, chunk.Text.Length), chunk.Text);
                Assert.True(chunker.Measure(chunk.Text) <= size, $"chunk {i} measures {chunker.Measure(chunk.Text)} > {size}");
                Assert.False(char.IsLowSurrogate(chunk.Text[0]), "a chunk starts with half a surrogate pair");
                Assert.False(char.IsHighSurrogate(chunk.Text[^1]), "a chunk ends with half a surrogate pair");
                Assert.True(chunk.Offset <= previousEnd, "a gap between chunks");
                Assert.True(previousEnd - chunk.Offset <= Math.Max(overlap, 0) * (unit == ChunkLengthUnit.Tokens ? 8 : 1), "overlap too long");
                previousEnd = chunk.Offset + chunk.Text.Length;
            }

            Assert.Equal(text.Length, previousEnd);
            if (overlap == 0)
            {
                Assert.Equal(text, string.Concat(chunks.Select(c => c.Text)));
            }
            else
            {
                for (var i = 1; i < chunks.Count; i++)
                {
                    var repeated = chunks[i - 1].Offset + chunks[i - 1].Text.Length - chunks[i].Offset;
                    Assert.True(chunker.Measure(chunks[i].Text.AsSpan(0, repeated)) <= overlap);
                }
            }
        }
    }

    [Fact]
    public void Cuts_fall_on_the_coarsest_separator_that_fits()
    {
        var text = "First paragraph, short.\n\nSecond paragraph has two sentences. This is the second one.\n\nThird.";
        var chunks = new TextChunker(new ChunkerOptions { ChunkSize = 50 }).Split(Document.FromText("d", text));
        Assert.Equal(
            ["First paragraph, short.\n\n", "Second paragraph has two sentences. ", "This is the second one.\n\nThird."],
            chunks.Select(c => c.Text));
    }

    [Fact]
    public void Cjk_sentence_ends_are_separators()
    {
        var text = "今日は晴れです。明日は雨が降るでしょう。週末は曇りです。";
        var chunks = new TextChunker(new ChunkerOptions { ChunkSize = 12 }).Split(Document.FromText("d", text));
        Assert.Equal(["今日は晴れです。", "明日は雨が降るでしょう。", "週末は曇りです。"], chunks.Select(c => c.Text));
    }

    [Fact]
    public void Overlap_repeats_the_end_of_the_previous_chunk_from_a_word_boundary()
    {
        var text = string.Join(' ', Enumerable.Range(0, 40).Select(i => $"w{i:00}"));
        var chunks = new TextChunker(new ChunkerOptions { ChunkSize = 40, ChunkOverlap = 10 }).Split(Document.FromText("d", text));
        Assert.True(chunks.Count > 3);
        for (var i = 1; i < chunks.Count; i++)
        {
            var previous = chunks[i - 1];
            Assert.True(chunks[i].Offset < previous.Offset + previous.Text.Length, "no overlap");
            Assert.StartsWith("w", chunks[i].Text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Token_chunks_count_o200k_tokens()
    {
        var chunker = new TextChunker(new ChunkerOptions { ChunkSize = 8, Unit = ChunkLengthUnit.Tokens });
        Assert.Equal(2, chunker.Measure("hello world"));
        var chunks = chunker.Split(Document.FromText("d", string.Concat(Enumerable.Repeat("hello world ", 20))));
        Assert.All(chunks, c => Assert.True(chunker.Measure(c.Text) <= 8));
        Assert.True(chunks.Count >= 5);
    }

    [Theory]
    [InlineData(1, 0)]
    [InlineData(10, 10)]
    [InlineData(10, -1)]
    public void Bad_options_are_rejected_with_the_option_named(int size, int overlap)
    {
        var ex = Assert.ThrowsAny<ArgumentException>(() => new TextChunker(new ChunkerOptions { ChunkSize = size, ChunkOverlap = overlap }));
        Assert.Contains("ChunkerOptions.", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Empty_text_gives_no_chunks() =>
        Assert.Empty(new TextChunker().Split(Document.FromText("d", string.Empty)));
}
