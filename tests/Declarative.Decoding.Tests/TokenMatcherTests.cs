using System.Text;
using Declarative.Grammars;

namespace Declarative.Decoding.Tests;

public class TokenMatcherTests
{
    /// <summary>A small vocabulary with single bytes, words, JSON pieces, multi-byte characters and split UTF-8.</summary>
    private static Vocabulary SmallVocabulary()
    {
        var tokens = new List<byte[]>();
        for (var b = 0; b < 256; b++)
        {
            tokens.Add([(byte)b]);
        }

        foreach (var text in new[]
        {
            "{\"", "\":", "\",\"", "\"}", "\"", "name", "age", "Ada", " Love", "lace", "12", "345", "true", "false", "null",
            "[", "],", "\\n", "\\\"", "ab", "é", "😀", "date", "-0", "1.", "5e", "\"name\":\"", "Zürich", ",\"", "\":[", "]}", "x\"",
        })
        {
            tokens.Add(Encoding.UTF8.GetBytes(text));
        }

        tokens.Add([0xC3]); // the first byte of é alone
        tokens.Add([0xA9, (byte)'"']); // the rest of é and a quote
        tokens.Add([]); // a control token
        tokens.Add([]); // end of sequence
        return new Vocabulary(tokens, [tokens.Count - 1]);
    }

    public static readonly TheoryData<string, string> Documents = new()
    {
        { "{\"type\":\"object\",\"properties\":{\"name\":{\"type\":\"string\"},\"age\":{\"type\":\"integer\",\"minimum\":0}},\"required\":[\"name\",\"age\"],\"additionalProperties\":false}", "{\"name\":\"Ada Lovelace é 😀\",\"age\":36}" },
        { "{\"type\":\"array\",\"items\":{\"enum\":[\"Ada\",\"Zürich\",12]},\"maxItems\":3}", "[\"Zürich\",12]" },
        { "{\"type\":\"string\",\"pattern\":\"^[a-z]+\\\\d{2}$\"}", "\"abc12\"" },
        { "{\"type\":\"number\",\"minimum\":-1.5,\"maximum\":100}", "-1.25" },
        { "{}", "{\"x\":[true,null,\"a\\nb\"]}" },
        // Keys other than the declared names, bounded strings and a number pattern run as automata (lexemes) in the walk.
        { "{\"properties\":{\"name\":{},\"age\":{}},\"additionalProperties\":{\"type\":\"boolean\"}}", "{\"name\":1,\"nam\":true,\"namex\":false}" },
        { "{\"propertyNames\":{\"maxLength\":3},\"additionalProperties\":{\"type\":\"string\",\"minLength\":2,\"maxLength\":4}}", "{\"ab\":\"Ada\",\"é\":\"x\\\"é\"}" },
        { "{\"type\":\"array\",\"items\":{\"type\":\"integer\",\"multipleOf\":2}}", "[12,-4,345678,0]" },
        { "{\"type\":\"array\",\"items\":{\"type\":\"string\",\"minLength\":3}}", "[\"Ada Lovelace\",\"é😀x\",\"\\n\\\"é\"]" },
        { "{\"type\":\"array\",\"items\":{\"anyOf\":[{\"type\":\"string\",\"maxLength\":1},{\"type\":\"string\",\"minLength\":3}]}}", "[\"é\",\"Zürich\",\"\"]" },
    };

    [Theory]
    [MemberData(nameof(Documents))]
    public void Mask_equals_the_brute_force_reference_at_every_step(string schema, string document)
    {
        var vocabulary = SmallVocabulary();
        var grammar = new TokenGrammar(CompiledGrammar.Compile(JsonSchemaCompiler.Compile(schema).Grammar), vocabulary);
        var random = new Random(document.Length);
        for (var run = 0; run < 3; run++)
        {
            var matcher = grammar.CreateMatcher();
            var reference = new GrammarMatcher(grammar.Grammar);
            var mask = new uint[vocabulary.MaskWords];
            var bytes = Encoding.UTF8.GetBytes(document);
            var position = 0;
            while (true)
            {
                matcher.ComputeMask(mask);
                for (var id = 0; id < vocabulary.Count; id++)
                {
                    var inMask = (mask[id >> 5] & (1u << (id & 31))) != 0;
                    Assert.True(BruteForce(reference, vocabulary, id) == inMask, $"token {id} ('{Encoding.UTF8.GetString(vocabulary[id])}') at byte {position}");
                    Assert.Equal(inMask, matcher.IsAllowed(id));
                }

                if (position == bytes.Length)
                {
                    Assert.True(matcher.IsAccepting);
                    break;
                }

                // Follow the document with a random allowed token that is a prefix of the rest.
                var candidates = Enumerable.Range(0, vocabulary.Count)
                    .Where(id => vocabulary[id].Length > 0 && bytes.AsSpan(position).StartsWith(vocabulary[id]))
                    .ToList();
                var chosen = candidates[random.Next(candidates.Count)];
                Assert.True(matcher.TryAdvance(chosen));
                Assert.True(reference.TryAdvance(vocabulary[chosen]));
                position += vocabulary[chosen].Length;
            }

            Assert.True(matcher.TryAdvance(vocabulary.Count - 1)); // end of sequence
        }
    }

    public static readonly TheoryData<string, string> RealVocabularyDocuments = new()
    {
        // Keys among declared names or any other string; string values; a string inside an array; an escaped quote.
        { "{\"properties\":{\"foo\":{\"type\":\"integer\"},\"bar\":{\"type\":\"string\"}}}", "{\"foo\":1,\"bar\":\"baz qux\",\"other\":[\"a\\\"b\",\"\"]}" },
        // Keys that are any string, values of any type.
        { "{}", "{\"name\":\"Ada\",\"tags\":[\"x\",\"y\"],\"n\":{\"deep\":\"é😀\"}}" },
        // Strings of bounded length, counted in characters (an escape and a surrogate pair count one each).
        { "{\"type\":\"array\",\"items\":{\"type\":\"string\",\"minLength\":1,\"maxLength\":3}}", "[\"a\",\"\\\"é😀\",\"xyz\"]" },
        // Bounded key length and string values.
        { "{\"propertyNames\":{\"maxLength\":4},\"additionalProperties\":{\"type\":\"string\",\"maxLength\":6}}", "{\"ab\":\"Ada\",\"wxyz\":\"é\"}" },
        // Declared names that need escapes and share a prefix, beside other keys: after a key's first character its
        // one-character automaton is spent and the rest of the key runs alone; other keys start with an escape, with a
        // multi-byte character, or with a declared name's prefix.
        { """{"properties":{"foo\nbar":{"type":"number"},"foo\u0022bar":{"type":"number"},"foo\\bar":{"type":"number"},"numberProperty":{"minimum":10}}}""", """{"foo\nbar":1,"foo\"bar":2,"numberProperty":17,"é€x":3,"\tx":4,"foo":5,"foo\\baz":6,"number":8}""" },
        // The members after the declared ones are regular (keys and booleans): one X* automaton that starts with a
        // separator, walked without a seed mask.
        { """{"properties":{"foo":{},"bar":{}},"additionalProperties":{"type":"boolean"}}""", """{"foo":1,"bar":[2],"quux":true,"x\"y":false,"é":true}""" },
        // Declared names beside other keys, whose key automaton several alternatives offer and is split in two.
        { "{\"properties\":{\"__proto__\":{\"type\":\"number\"},\"toString\":{\"properties\":{\"length\":{\"type\":\"string\"}}},\"constructor\":{\"type\":\"number\"}}}", "{\"__proto__\":12,\"toString\":{\"length\":\"foo\"},\"constructor\":37,\"con\":1,\"_x\":2}" },
    };

    [Theory]
    [MemberData(nameof(RealVocabularyDocuments))]
    public void Mask_equals_the_brute_force_reference_on_a_real_vocabulary(string schema, string document)
    {
        // o200k_base: tokens that end strings with many different endings, the case the walk's break tries group.
        var vocabulary = Vocabulary.Tiktoken("o200k_base");
        var grammar = new TokenGrammar(CompiledGrammar.Compile(JsonSchemaCompiler.Compile(schema).Grammar), vocabulary);
        var matcher = grammar.CreateMatcher();
        var reference = new GrammarMatcher(grammar.Grammar);
        var mask = new uint[vocabulary.MaskWords];
        var bytes = Encoding.UTF8.GetBytes(document);
        var position = 0;
        while (true)
        {
            matcher.ComputeMask(mask);
            var wrong = Enumerable.Range(0, vocabulary.Count)
                .Where(id => vocabulary[id].Length > 0 && BruteForce(reference, vocabulary, id) != ((mask[id >> 5] & (1u << (id & 31))) != 0))
                .Take(5)
                .Select(id => $"{id} '{Encoding.UTF8.GetString(vocabulary[id])}'")
                .ToList();
            Assert.True(wrong.Count == 0, $"at byte {position}: tokens {string.Join(", ", wrong)}");
            if (position == bytes.Length)
            {
                break;
            }

            var token = grammar.LongestToken(bytes.AsSpan(position));
            Assert.True(matcher.TryAdvance(token));
            Assert.True(reference.TryAdvance(vocabulary[token]));
            position += vocabulary[token].Length;
        }
    }

    /// <summary>Whether a token may come next, by feeding its bytes to a byte-level matcher (the reference of every mask test).</summary>
    internal static bool BruteForce(GrammarMatcher reference, Vocabulary vocabulary, int id)
    {
        if (vocabulary.EndOfSequence.Contains(id))
        {
            return reference.IsAccepting;
        }

        var bytes = vocabulary[id];
        if (bytes.Length == 0 || !reference.TryAdvance(bytes))
        {
            return false;
        }

        reference.Rollback(bytes.Length);
        return true;
    }

    [Fact]
    public void Rollback_restores_the_previous_masks()
    {
        var vocabulary = SmallVocabulary();
        var grammar = new TokenGrammar(CompiledGrammar.Compile(JsonSchemaCompiler.Compile("{\"enum\":[\"Ada\",\"ab\"]}").Grammar), vocabulary);
        var matcher = grammar.CreateMatcher();
        var before = new uint[vocabulary.MaskWords];
        var after = new uint[vocabulary.MaskWords];
        matcher.ComputeMask(before);
        Assert.True(matcher.TryAdvance('"'));
        Assert.False(matcher.TryAdvance('z'));
        Assert.True(matcher.TryAdvance('a'));
        matcher.Rollback(2);
        matcher.ComputeMask(after);
        Assert.Equal(before, after);
        Assert.False(matcher.TryAdvance(vocabulary.Count - 1)); // not complete yet: no end of sequence
        Assert.False(matcher.TryAdvance(vocabulary.Count - 2)); // control tokens never match
    }

    [Fact]
    public void Masks_are_shared_between_matchers_by_parser_state()
    {
        var vocabulary = SmallVocabulary();
        var grammar = new TokenGrammar(CompiledGrammar.Compile(JsonSchemaCompiler.Compile("{\"type\":\"string\"}").Grammar), vocabulary);
        var mask = new uint[vocabulary.MaskWords];
        var first = grammar.CreateMatcher();
        first.TryAdvance('"');
        first.TryAdvance('a');
        first.ComputeMask(mask);
        Assert.Equal(0, grammar.CachedMasks); // a state's mask is kept the second time it is made
        first.TryAdvance('b');
        first.ComputeMask(mask); // further inside the string: the same state, now kept
        var cached = grammar.CachedMasks;
        Assert.Equal(1, cached);
        first.TryAdvance('c');
        first.ComputeMask(mask);
        var second = grammar.CreateMatcher();
        second.TryAdvance('"');
        second.TryAdvance('b');
        second.ComputeMask(mask);
        Assert.Equal(cached, grammar.CachedMasks);
    }

    [Fact]
    public void Forced_bytes_and_tokens_fast_forward_fixed_text()
    {
        var vocabulary = SmallVocabulary();
        var schema = "{\"type\":\"object\",\"properties\":{\"name\":{\"type\":\"string\"}},\"required\":[\"name\"],\"additionalProperties\":false}";
        var grammar = new TokenGrammar(CompiledGrammar.Compile(JsonSchemaCompiler.Compile(schema).Grammar), vocabulary);
        var matcher = grammar.CreateMatcher();
        var forced = matcher.ForcedTokens();
        Assert.Equal("{\"name\":\"", Encoding.UTF8.GetString(forced.SelectMany(t => vocabulary[t].ToArray()).ToArray()));
        Assert.Equal(0, matcher.TokenCount);
        foreach (var token in forced)
        {
            matcher.Advance(token);
        }

        Assert.Empty(matcher.ForcedTokens()); // inside the string: a choice
        var ex = Assert.Throws<GrammarException>(() => matcher.Advance(vocabulary.Count - 1));
        Assert.Contains("is not allowed after", ex.Message);
    }

    [Fact]
    public async Task Automata_grown_by_concurrent_matchers_give_the_masks_of_a_sequential_reference()
    {
        // A pattern no other test uses, so its automaton starts empty and eight matchers grow it (rows, memos, learned
        // parser states) at the same time; every mask must still equal the byte-level reference.
        var vocabulary = SmallVocabulary();
        var unique = Guid.NewGuid().ToString("N")[..6];
        var schema = "{\"type\":\"array\",\"items\":{\"type\":\"string\",\"pattern\":\"^(ab|" + unique + "|[a-z]{1,3}é)+$\"}}";
        var grammar = new TokenGrammar(CompiledGrammar.Compile(JsonSchemaCompiler.Compile(schema).Grammar), vocabulary);
        var document = Encoding.UTF8.GetBytes("[\"ab" + unique + "abé\",\"xyzé\"]");
        List<uint[]> Run()
        {
            var masks = new List<uint[]>();
            var matcher = grammar.CreateMatcher();
            for (var position = 0; position < document.Length; position++)
            {
                var mask = new uint[vocabulary.MaskWords];
                matcher.ComputeMask(mask);
                masks.Add(mask);
                Assert.True(matcher.TryAdvance(document[position])); // token ids 0-255 are the single bytes
            }

            return masks;
        }

        var runs = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(Run)));
        var reference = new GrammarMatcher(grammar.Grammar);
        for (var step = 0; step < document.Length; step++)
        {
            for (var id = 0; id < vocabulary.Count; id++)
            {
                var expected = BruteForce(reference, vocabulary, id);
                foreach (var run in runs)
                {
                    Assert.True(expected == ((run[step][id >> 5] & (1u << (id & 31))) != 0), $"step {step}, token {id}");
                }
            }

            Assert.True(reference.TryAdvance(document[step]));
        }
    }

    [Fact]
    public async Task One_grammar_serves_concurrent_matchers()
    {
        var vocabulary = SmallVocabulary();
        var grammar = new TokenGrammar(CompiledGrammar.Compile(JsonSchemaCompiler.Compile("{\"type\":\"array\",\"items\":{\"type\":\"string\"}}").Grammar), vocabulary);
        var document = Encoding.UTF8.GetBytes("[\"Ada Lovelace\",\"Zürich é 😀\",\"x\"]");
        List<uint[]> Run()
        {
            var masks = new List<uint[]>();
            var matcher = grammar.CreateMatcher();
            var position = 0;
            while (position < document.Length)
            {
                var mask = new uint[vocabulary.MaskWords];
                matcher.ComputeMask(mask);
                masks.Add(mask);
                var token = grammar.LongestToken(document.AsSpan(position));
                matcher.Advance(token);
                position += vocabulary[token].Length;
            }

            return masks;
        }

        var runs = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(Run)));
        var reference = new TokenGrammar(CompiledGrammar.Compile(JsonSchemaCompiler.Compile("{\"type\":\"array\",\"items\":{\"type\":\"string\"}}").Grammar), vocabulary, maskCacheBytes: 0);
        var matcherRef = reference.CreateMatcher();
        var positionRef = 0;
        var step = 0;
        while (positionRef < document.Length)
        {
            var mask = new uint[vocabulary.MaskWords];
            matcherRef.ComputeMask(mask);
            foreach (var run in runs)
            {
                Assert.Equal(mask, run[step]);
            }

            var token = reference.LongestToken(document.AsSpan(positionRef));
            matcherRef.Advance(token);
            positionRef += vocabulary[token].Length;
            step++;
        }
    }

    [Fact]
    public void O200k_base_loads_with_exact_bytes()
    {
        var vocabulary = Vocabulary.Tiktoken("o200k_base");
        Assert.Equal(200019, vocabulary.Count);
        Assert.Equal("hello", Encoding.UTF8.GetString(vocabulary[24912]));
        Assert.Contains(199999, vocabulary.EndOfSequence);
        Assert.Equal(0, vocabulary[199999].Length);
        Assert.Throws<ArgumentException>(() => Vocabulary.Tiktoken("p50k_base"));
    }
}
