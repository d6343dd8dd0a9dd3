using System.Text;
using Declarative.Grammars;

namespace Declarative.Decoding.Tests;

/// <summary>Shortest completions: from any point of a document, bytes that end it as a complete document.</summary>
public class CompletionTests
{
    public static TheoryData<string, string> Documents => new()
    {
        { "{\"type\":\"object\",\"properties\":{\"name\":{\"type\":\"string\"},\"age\":{\"type\":\"integer\",\"minimum\":18},\"tags\":{\"type\":\"array\",\"items\":{\"type\":\"string\"},\"minItems\":2}},\"required\":[\"name\",\"age\",\"tags\"],\"additionalProperties\":false}", "{\"name\":\"Ada Lovelace\",\"age\":36,\"tags\":[\"math\",\"engines\",\"poetry\"]}" },
        { "{\"type\":\"array\",\"items\":{\"enum\":[\"alpha\",\"beta\",\"gamma\"]},\"minItems\":1,\"maxItems\":4}", "[\"gamma\",\"beta\",\"alpha\"]" },
        { "{\"type\":\"string\",\"pattern\":\"^[A-Z]{2}-[0-9]{3,5}$\"}", "\"AB-12345\"" },
        { "{\"type\":\"string\",\"format\":\"date-time\"}", "\"2024-02-29T23:59:59Z\"" },
        { "{\"type\":\"number\",\"minimum\":-2.5,\"maximum\":1000}", "-2.25" },
        { "{\"anyOf\":[{\"type\":\"null\"},{\"type\":\"object\",\"properties\":{\"x\":{\"$ref\":\"#\"}}}]}", "{\"x\":{\"x\":{\"x\":null}}}" },
        { "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"boolean\"}},\"minProperties\":1}", "{\"a\":true,\"zz\":[1,{\"q\":\"é\"}]}" },
        { "{\"type\":\"string\",\"minLength\":3,\"maxLength\":5}", "\"héllo\"" },
    };

    [Theory]
    [MemberData(nameof(Documents))]
    public void Every_prefix_of_a_document_has_a_completion_no_longer_than_its_own_rest(string schema, string document)
    {
        var compiled = CompiledGrammar.Compile(JsonSchemaCompiler.Compile(schema).Grammar);
        var bytes = Encoding.UTF8.GetBytes(document);
        Assert.True(GrammarMatcher.Matches(compiled, bytes), document);
        var matcher = new GrammarMatcher(compiled);
        for (var i = 0; i <= bytes.Length; i++)
        {
            var completion = matcher.ShortestCompletion();
            var prefix = Encoding.UTF8.GetString(bytes, 0, i);
            Assert.True(completion is not null, $"no completion after {prefix}");
            Assert.True(completion.Length <= bytes.Length - i, $"after {prefix}: {Encoding.UTF8.GetString(completion)} is longer than the document's own rest");
            Assert.True(GrammarMatcher.Matches(compiled, [.. bytes[..i], .. completion]), $"{prefix} + {Encoding.UTF8.GetString(completion)}");
            Assert.Equal(i, matcher.Position); // the matcher did not move
            if (i < bytes.Length)
            {
                Assert.True(matcher.TryAdvance(bytes[i]));
            }
        }

        Assert.Empty(matcher.ShortestCompletion()!);
    }

    [Fact]
    public void Completions_read_naturally()
    {
        var compiled = CompiledGrammar.Compile(JsonSchemaCompiler.Compile("{\"type\":\"object\",\"properties\":{\"n\":{\"type\":\"integer\"},\"s\":{\"type\":\"string\"}},\"required\":[\"n\",\"s\"],\"additionalProperties\":false}").Grammar);
        var matcher = new GrammarMatcher(compiled);
        Assert.Equal("{\"n\":0,\"s\":\"\"}", Encoding.UTF8.GetString(matcher.ShortestCompletion()!));
        Assert.True(matcher.TryAdvance("{\"n\":12"u8));
        Assert.Equal(",\"s\":\"\"}", Encoding.UTF8.GetString(matcher.ShortestCompletion()!));
    }

    [Fact]
    public void Chat_replies_complete_with_their_markers()
    {
        var signature = Signature.Parse("question -> answer: str, score: float");
        var compiled = CompiledGrammar.Compile(SignatureGrammar.ForChat(signature));
        var matcher = new GrammarMatcher(compiled);
        Assert.True(matcher.TryAdvance("[[ ## answer ## ]]\nIt depends on the"u8));
        var completion = Encoding.UTF8.GetString(matcher.ShortestCompletion()!);
        Assert.Contains("[[ ## score ## ]]", completion);
        Assert.EndsWith("[[ ## completed ## ]]", completion.TrimEnd());
    }

    [Fact]
    public void Completion_tokens_use_the_vocabulary()
    {
        var vocabulary = new Vocabulary([.. new[] { "{\"", "n", "\":", "0", "}", "\"", ",", "s", "{", ":", "</s>" }.Select(Encoding.UTF8.GetBytes)], [10]);
        var grammar = new TokenGrammar(CompiledGrammar.Compile(JsonSchemaCompiler.Compile("{\"type\":\"object\",\"properties\":{\"n\":{\"type\":\"integer\"}},\"required\":[\"n\"],\"additionalProperties\":false}").Grammar), vocabulary);
        var matcher = grammar.CreateMatcher();
        var tokens = matcher.CompletionTokens()!;
        Assert.Equal("{\"n\":0}", string.Concat(tokens.Select(t => Encoding.UTF8.GetString(vocabulary[t]))));
        Assert.Equal(0, matcher.TokenCount);
        foreach (var token in tokens)
        {
            Assert.True(matcher.TryAdvance(token));
        }

        Assert.True(matcher.IsAccepting);
    }
}
