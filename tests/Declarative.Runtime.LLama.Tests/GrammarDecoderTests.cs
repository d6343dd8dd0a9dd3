using System.Text;
using System.Text.Json.Nodes;
using Declarative.Decoding;
using Declarative.Grammars;
using LLama.Common;

namespace Declarative.Runtime.LLama.Tests;

/// <summary>A real GGUF model (tiny, random weights) decoding under Declarative's token masks always produces documents of the grammar.</summary>
public class GrammarDecoderTests(TinyModelFixture model) : IClassFixture<TinyModelFixture>
{
    private Vocabulary Vocabulary { get; } = GgufVocabulary.Load(model.Path);

    [Theory]
    [InlineData("{\"type\":\"object\",\"properties\":{\"name\":{\"type\":\"string\",\"maxLength\":6},\"age\":{\"type\":\"integer\",\"minimum\":0,\"maximum\":120},\"ok\":{\"type\":\"boolean\"}},\"required\":[\"name\",\"age\",\"ok\"],\"additionalProperties\":false}")]
    [InlineData("{\"type\":\"array\",\"items\":{\"enum\":[\"red\",\"green\",\"blue\"]},\"minItems\":1,\"maxItems\":3}")]
    [InlineData("{\"type\":\"string\",\"format\":\"date\"}")]
    [InlineData("{\"type\":\"number\",\"minimum\":-1.5,\"maximum\":2.25}")]
    public async Task Every_sample_is_a_document_of_the_schema(string schema)
    {
        var compiled = CompiledGrammar.Compile(JsonSchemaCompiler.Compile(schema).Grammar);
        var grammar = new TokenGrammar(compiled, Vocabulary);
        using var context = model.Weights.CreateContext(new ModelParams(model.Path) { ContextSize = 512 });
        var decoder = new GrammarDecoder(model.Weights);
        foreach (var (temperature, seed) in new[] { (0f, 0), (1f, 1), (1.5f, 2), (1f, 3) })
        {
            var result = await decoder.GenerateAsync(context, "Answer in JSON:", grammar, new GrammarDecodeOptions { Temperature = temperature, Seed = seed, MaxTokens = 200 });
            Assert.True(result.Complete, $"incomplete after {result.Tokens} tokens: {result.Text}");
            Assert.True(GrammarMatcher.Matches(compiled, Encoding.UTF8.GetBytes(result.Text)), result.Text);
            JsonNode.Parse(result.Text); // and it is JSON
        }
    }

    [Fact]
    public async Task Chat_adapter_replies_decoded_under_the_signature_grammar_always_parse()
    {
        var signature = Signature.Parse("question -> answer: int, sure: bool, mood: Literal['calm', 'upset']");
        var compiled = CompiledGrammar.Compile(SignatureGrammar.ForChat(signature));
        var grammar = new TokenGrammar(compiled, Vocabulary);
        using var context = model.Weights.CreateContext(new ModelParams(model.Path) { ContextSize = 512 });
        var decoder = new GrammarDecoder(model.Weights);
        for (var seed = 0; seed < 4; seed++)
        {
            var result = await decoder.GenerateAsync(context, "[[ ## question ## ]]\nHow many?\n\n", grammar, new GrammarDecodeOptions { Temperature = 1f, Seed = seed, MaxTokens = 120 });
            Assert.True(result.Complete, result.Text);
            var values = ChatAdapter.Default.Parse(signature, result.Text);
            Assert.IsType<long>(values["answer"]);
            Assert.IsType<bool>(values["sure"]);
            Assert.Contains(values["mood"], new object[] { "calm", "upset" });
        }
    }

    [Fact]
    public async Task Forced_text_is_fed_without_sampling()
    {
        var schema = "{\"type\":\"object\",\"properties\":{\"question_text\":{\"type\":\"boolean\"},\"reasoning_steps\":{\"type\":\"boolean\"}},\"required\":[\"question_text\",\"reasoning_steps\"],\"additionalProperties\":false}";
        var compiled = CompiledGrammar.Compile(JsonSchemaCompiler.Compile(schema).Grammar);
        var grammar = new TokenGrammar(compiled, Vocabulary);
        using var context = model.Weights.CreateContext(new ModelParams(model.Path) { ContextSize = 512 });
        var decoder = new GrammarDecoder(model.Weights);
        var sampled = await decoder.GenerateAsync(context, "JSON:", grammar, new GrammarDecodeOptions { FastForward = false });
        var forwarded = await decoder.GenerateAsync(context, "JSON:", grammar, new GrammarDecodeOptions { FastForward = true });
        Assert.True(sampled.Complete && forwarded.Complete);
        Assert.True(GrammarMatcher.Matches(compiled, Encoding.UTF8.GetBytes(forwarded.Text)), forwarded.Text);
        Assert.StartsWith("{\"question_text\":", forwarded.Text);
        Assert.Equal(sampled.Tokens, sampled.Sampled);
        Assert.True(forwarded.Sampled < sampled.Sampled, $"forwarded sampled {forwarded.Sampled}, plain {sampled.Sampled}");
    }

    [Fact]
    public async Task A_vocabulary_from_another_model_is_refused()
    {
        var grammar = new TokenGrammar(CompiledGrammar.Compile(Grammar.FromNode(GrammarNode.Literal("x"))), new Vocabulary([[(byte)'x']], []));
        using var context = model.Weights.CreateContext(new ModelParams(model.Path) { ContextSize = 128 });
        var ex = await Assert.ThrowsAsync<ArgumentException>(() => new GrammarDecoder(model.Weights).GenerateAsync(context, "p", grammar));
        Assert.Contains("same GGUF file", ex.Message);
    }
}
