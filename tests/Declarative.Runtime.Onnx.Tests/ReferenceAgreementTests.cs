using Microsoft.Extensions.AI;

namespace Declarative.Runtime.Onnx.Tests;

[Collection(EncoderCollection.Name)]
public sealed class ReferenceAgreementTests(EncoderFixture fixture)
{
    [Fact]
    public async Task Hundred_sentences_match_the_reference_encoder()
    {
        var sentences = Sentences.Take(100);
        var expected = fixture.Reference.Encode(sentences);
        var actual = await fixture.Generator.GenerateAsync(sentences);

        Assert.Equal(100, actual.Count);
        for (var i = 0; i < sentences.Length; i++)
        {
            var cosine = EncoderFixture.Cosine(actual[i].Vector.Span, expected[i]);
            Assert.True(cosine >= 0.9999, $"sentence {i} ({sentences[i]}): cosine {cosine}");
        }
    }

    [Fact]
    public async Task Batching_by_length_keeps_the_input_order()
    {
        // Lengths deliberately out of order: long, short, medium, ... across several batches of 8.
        var sentences = Sentences.Take(60).OrderBy(s => (s.Length * 7919) % 61).ToArray();
        var batched = await fixture.Generator.GenerateAsync(sentences);

        for (var i = 0; i < sentences.Length; i += 7)
        {
            var alone = await fixture.Generator.GenerateAsync([sentences[i]]);
            Assert.True(EncoderFixture.Cosine(batched[i].Vector.Span, alone[0].Vector.Span) >= 0.99999, $"sentence {i} moved or changed");
        }
    }

    [Fact]
    public async Task Concurrent_calls_give_the_same_vectors()
    {
        var sentences = Sentences.Take(40);
        var sequential = await fixture.Generator.GenerateAsync(sentences);

        var parallel = await Task.WhenAll(Enumerable.Range(0, 4).Select(k => Task.Run(() => fixture.Generator.GenerateAsync(k % 2 == 0 ? sentences : [.. sentences.Reverse()]))));

        for (var k = 0; k < parallel.Length; k++)
        {
            for (var i = 0; i < sentences.Length; i++)
            {
                var j = k % 2 == 0 ? i : sentences.Length - 1 - i;
                Assert.True(EncoderFixture.Cosine(parallel[k][j].Vector.Span, sequential[i].Vector.Span) >= 0.99999, $"call {k}, sentence {i}");
            }
        }
    }
}
