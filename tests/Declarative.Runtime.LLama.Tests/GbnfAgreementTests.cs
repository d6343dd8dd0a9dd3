using System.Text;
using System.Text.Json.Nodes;
using Declarative.Decoding;
using Declarative.Grammars;

namespace Declarative.Runtime.LLama.Tests;

/// <summary>
/// The GBNF printed for a grammar, loaded by llama.cpp's own grammar sampler, accepts exactly the documents the
/// Declarative matcher accepts, token by token on a real (tiny, generated) GGUF vocabulary.
/// </summary>
public class GbnfAgreementTests(TinyModelFixture model) : IClassFixture<TinyModelFixture>
{
    private static readonly string[] Documents =
    [
        "null", "true", "false", "0", "-7", "42", "1234567", "3.25", "-0.5", "1e3",
        "\"\"", "\"a\"", "\"abc\"", "\"hello world\"", "\"é😀\"", "\"line\\nbreak\"", "\"q\\\"uote\"", "\"2024-02-29\"",
        "\"0f8fad5b-d9cb-469f-a165-70867728950e\"", "\"192.168.0.1\"", "\"ABC-12\"",
        "[]", "[1,2]", "[\"a\",\"b\",\"c\"]", "[1,\"a\",null]", "[[1],[2,3]]",
        "{}", "{\"name\":\"Ada\"}", "{\"name\":\"Ada\",\"age\":36}", "{\"age\":36}", "{\"name\":\"Ada\",\"extra\":true}",
        "{\"tags\":[\"x\"],\"name\":\"B\"}", "{\"id\":\"a\",\"value\":{\"name\":\"c\"}}",
    ];

    /// <summary>At least 100 schemas, built from the keywords the compiler enforces.</summary>
    public static IEnumerable<string> Schemas()
    {
        var scalars = new[]
        {
            "{\"type\":\"null\"}", "{\"type\":\"boolean\"}", "{\"type\":\"integer\"}", "{\"type\":\"number\"}", "{\"type\":\"string\"}",
            "{\"type\":\"integer\",\"minimum\":0}", "{\"type\":\"integer\",\"minimum\":-10,\"maximum\":50}", "{\"type\":\"integer\",\"exclusiveMaximum\":43}",
            "{\"type\":\"integer\",\"multipleOf\":7}", "{\"type\":\"number\",\"minimum\":0,\"maximum\":10}", "{\"type\":\"number\",\"exclusiveMinimum\":-1}",
            "{\"type\":\"string\",\"minLength\":1}", "{\"type\":\"string\",\"maxLength\":3}", "{\"type\":\"string\",\"minLength\":2,\"maxLength\":11}",
            "{\"type\":\"string\",\"pattern\":\"^[A-Z]{3}-\\\\d+$\"}", "{\"type\":\"string\",\"pattern\":\"b\"}", "{\"type\":\"string\",\"pattern\":\"^(a|hello world)$\"}",
            "{\"type\":\"string\",\"format\":\"date\"}", "{\"type\":\"string\",\"format\":\"uuid\"}", "{\"type\":\"string\",\"format\":\"ipv4\"}",
            "{\"enum\":[\"a\",\"abc\",42,null]}", "{\"const\":\"hello world\"}", "{\"enum\":[[1,2],{\"name\":\"Ada\"}]}",
            "{\"type\":[\"string\",\"null\"]}", "{\"type\":[\"integer\",\"boolean\"]}", "{\"not\":{\"type\":\"string\"}}", "true",
        };
        foreach (var s in scalars)
        {
            yield return s;
        }

        // Arrays of every scalar schema, some bounded.
        foreach (var s in scalars.Take(22))
        {
            yield return $"{{\"type\":\"array\",\"items\":{s}}}";
        }

        foreach (var s in scalars.Take(12))
        {
            yield return $"{{\"type\":\"array\",\"items\":{s},\"minItems\":1,\"maxItems\":2}}";
        }

        // Objects with a property of each scalar schema, required or not, closed or open.
        foreach (var s in scalars.Take(22))
        {
            yield return $"{{\"type\":\"object\",\"properties\":{{\"name\":{s}}}}}";
        }

        foreach (var s in scalars.Take(12))
        {
            yield return $"{{\"type\":\"object\",\"properties\":{{\"name\":{{\"type\":\"string\"}},\"age\":{s}}},\"required\":[\"name\"],\"additionalProperties\":false}}";
        }

        yield return "{\"type\":\"object\",\"properties\":{\"tags\":{\"type\":\"array\",\"items\":{\"type\":\"string\"}},\"name\":{\"type\":\"string\"}},\"required\":[\"tags\",\"name\"]}";
        yield return "{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"string\"},\"value\":{\"$ref\":\"#\"}}}";
        yield return "{\"anyOf\":[{\"type\":\"integer\",\"maximum\":10},{\"type\":\"string\",\"maxLength\":1}]}";
        yield return "{\"type\":\"object\",\"additionalProperties\":{\"type\":\"boolean\"}}";
        yield return "{\"type\":\"object\",\"minProperties\":1,\"maxProperties\":1}";
        yield return "{\"prefixItems\":[{\"type\":\"integer\"},{\"type\":\"string\"}],\"items\":false}";
        yield return "{\"type\":\"array\",\"contains\":{\"type\":\"string\"}}";
    }

    [Fact]
    public void Llama_cpp_and_the_matcher_agree_on_every_document()
    {
        var vocabulary = GgufVocabulary.Load(model.Path);
        Assert.Equal(model.VocabularySize, vocabulary.Count);
        var schemas = Schemas().ToList();
        Assert.True(schemas.Count >= 100, $"only {schemas.Count} schemas");
        int accepted = 0, rejected = 0;
        foreach (var schema in schemas)
        {
            var grammar = JsonSchemaCompiler.Compile(schema).Grammar;
            var compiled = CompiledGrammar.Compile(grammar);
            var tokens = new TokenGrammar(compiled, vocabulary);
            using var sampler = LlamaGbnf.CreateSampler(model.Weights, grammar);
            foreach (var document in Documents)
            {
                var bytes = Encoding.UTF8.GetBytes(document);
                var ours = GrammarMatcher.Matches(compiled, bytes);
                sampler.Reset();
                var theirs = LlamaAccepts(sampler, tokens, bytes);
                Assert.True(ours == theirs, $"schema {schema}, document {document}: Declarative {(ours ? "accepts" : "rejects")}, llama.cpp {(theirs ? "accepts" : "rejects")}");
                if (ours)
                {
                    accepted++;
                }
                else
                {
                    rejected++;
                }
            }
        }

        Assert.True(accepted > 200 && rejected > 200, $"accepted {accepted}, rejected {rejected}");
    }

    private static bool LlamaAccepts(global::LLama.Native.SafeLLamaSamplerChainHandle sampler, TokenGrammar tokens, byte[] document)
    {
        var position = 0;
        while (position < document.Length)
        {
            var token = tokens.LongestToken(document.AsSpan(position));
            if (token < 0 || !LlamaGbnf.Allows(sampler, token))
            {
                return false;
            }

            sampler.Accept(token);
            position += tokens.Vocabulary[token].Length;
        }

        return LlamaGbnf.Allows(sampler, global::Declarative.Testing.TinyGguf.End);
    }

    [Fact]
    public void Vocabulary_read_from_the_file_matches_llama_cpp()
    {
        var vocabulary = GgufVocabulary.Load(model.Path);
        Assert.Equal(model.Weights.Vocab.Count, vocabulary.Count);
        Assert.Equal([global::Declarative.Testing.TinyGguf.End], vocabulary.EndOfSequence);
        var tokens = model.Weights.Tokenize("the answer is 12", false, false, Encoding.UTF8);
        var text = Encoding.UTF8.GetString(tokens.SelectMany(t => vocabulary[(int)t].ToArray()).ToArray());
        Assert.Equal(" the answer is 12", text);
    }

    [Fact]
    public void Grammars_llama_cpp_cannot_parse_are_errors_not_crashes()
    {
        var fine = new Grammar("root", [new("root", GrammarNode.Ref("x")), new("x", GrammarNode.Literal("a"))]);
        using (var sampler = LlamaGbnf.CreateSampler(model.Weights, fine))
        {
            Assert.True(LlamaGbnf.Allows(sampler, global::Declarative.Testing.TinyGguf.FirstByte + 'a'));
            Assert.False(LlamaGbnf.Allows(sampler, global::Declarative.Testing.TinyGguf.FirstByte + 'b'));
        }

        // llama.cpp refuses left-recursive rules (the Earley matcher does not mind them).
        var leftRecursive = new Grammar("root", [new("root", GrammarNode.Choice(GrammarNode.Seq(GrammarNode.Ref("root"), GrammarNode.Literal("a")), GrammarNode.Literal("b")))]);
        var ex = Assert.Throws<GrammarException>(() => LlamaGbnf.CreateSampler(model.Weights, leftRecursive));
        Assert.Contains("llama.cpp could not parse", ex.Message);
        Assert.True(GrammarMatcher.Matches(CompiledGrammar.Compile(leftRecursive), "baa"u8));
    }
}
