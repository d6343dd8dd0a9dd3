using System.Diagnostics;
using System.Text;
using Declarative.Decoding;
using Declarative.Grammars;
using Declarative.Testing;
using LLama;
using LLama.Common;
using LLama.Native;
using Microsoft.ML.Tokenizers;
using Xunit.Abstractions;

namespace Declarative.Runtime.LLama.Tests;

/// <summary>A tiny generated GGUF model with cl100k_base as a byte-level BPE vocabulary, written and loaded once.</summary>
public sealed class TiktokenModelFixture : IDisposable
{
    public TiktokenModelFixture()
    {
        Folder = Directory.CreateTempSubdirectory("declarative-tiktoken-").FullName;
        Path = System.IO.Path.Combine(Folder, "cl100k.gguf");
        var clock = Stopwatch.StartNew();
        VocabularySize = TinyGguf.WriteTiktoken(Path, "cl100k_base");
        WriteTime = clock.Elapsed;
        clock.Restart();
        Weights = LLamaWeights.LoadFromFile(new ModelParams(Path) { GpuLayerCount = 0, ContextSize = 256 });
        LoadTime = clock.Elapsed;
    }

    public string Folder { get; }

    public string Path { get; }

    public int VocabularySize { get; }

    public TimeSpan WriteTime { get; }

    public TimeSpan LoadTime { get; }

    public LLamaWeights Weights { get; }

    public void Dispose()
    {
        Weights.Dispose();
        Directory.Delete(Folder, recursive: true);
    }
}

/// <summary>llama.cpp reads a cl100k_base vocabulary written as GGUF and tokenizes exactly as tiktoken does.</summary>
public class TiktokenGgufTests(TiktokenModelFixture model, ITestOutputHelper output) : IClassFixture<TiktokenModelFixture>
{
    private static readonly TiktokenTokenizer Tiktoken = TiktokenTokenizer.CreateForEncoding("cl100k_base");

    private static readonly string[] Inputs =
    [
        "Hello, world! This is a test of the tokenizer.",
        "The quick brown fox jumps over the lazy dog. THE QUICK BROWN FOX!",
        "I'm sure they'll say it's fine; WE'RE DONE, You'Ve GOT it, she'D've.",
        "public static int Main(string[] args)\n{\n    return args.Length > 0 ? 1 : 0; // done\n}\n",
        "def f(x):\n\tif x <= 0:\n\t\treturn None\n\treturn [i ** 2 for i in range(x)]\n",
        "{\"name\": \"Ada\", \"age\": 36, \"tags\": [\"math\", \"code\"], \"ok\": true, \"nested\": {\"v\": null}}",
        "{\"a\":1,\"b\":[1,2,3],\"c\":\"x\\ny\"}",
        "3.14159 2024-06-01T12:34:56Z 1234567890 -42 0x1F 1,000,000 1e-10",
        "a  b   c\t\td\n\n\n  e    \n    f\r\n\r\ng   ",
        "   leading and trailing spaces   ",
        "\n\n\n",
        "Ünïcödé naïve café — résumé, Straße, ﬁne",
        "東京は日本の首都です。 Привет, мир! مرحبا بالعالم 안녕하세요",
        "I ❤️ 🦀 and 👨‍👩‍👧‍👦! 🎉🎉🎉 ∑∫√ ①②③ ٣٤٥",
        "Pneumonoultramicroscopicsilicovolcanoconiosis and antidisestablishmentarianism",
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
        "================================================================ --------------",
        "https://example.com/path?query=value&other=1#fragment <div class=\"x\">&amp;</div>",
    ];

    public static TheoryData<string> Texts { get; } = new(Inputs);

    [Fact]
    public void Writes_and_loads_in_a_few_seconds()
    {
        output.WriteLine($"write {model.WriteTime.TotalMilliseconds:F0} ms, load {model.LoadTime.TotalMilliseconds:F0} ms, {new FileInfo(model.Path).Length / 1e6:F1} MB");
        Assert.True(model.WriteTime < TimeSpan.FromSeconds(30), $"writing took {model.WriteTime}");
    }

    [Fact]
    public void The_vocabulary_has_every_rank_the_specials_and_chat_tokens()
    {
        var expected = Vocabulary.Tiktoken("cl100k_base").Count + 2; // <|im_start|> and <|im_end|> appended
        Assert.Equal(expected, model.VocabularySize);
        Assert.Equal(model.VocabularySize, model.Weights.Vocab.Count);
        Assert.Equal(Tiktoken.SpecialTokens!["<|endoftext|>"], (int)model.Weights.Vocab.EOS!.Value);
        Assert.Equal(Tiktoken.SpecialTokens!["<|endoftext|>"], (int)model.Weights.Vocab.BOS!.Value);
        Assert.Equal(model.VocabularySize - 1, (int)model.Weights.Vocab.EOT!.Value);
        Assert.False(model.Weights.Vocab.ShouldAddBOS);
    }

    [Theory]
    [MemberData(nameof(Texts))]
    public void Llama_cpp_tokenizes_like_tiktoken(string text)
    {
        var expected = Tiktoken.EncodeToIds(text);
        var actual = model.Weights.Tokenize(text, add_bos: false, special: false, Encoding.UTF8).Select(t => (int)t).ToArray();
        Assert.Equal(expected, actual);
    }

    [Fact]
    public void Llama_cpp_tokenizes_random_text_like_tiktoken()
    {
        // Code points of the Basic Multilingual Plane only: see the next test for symbols beyond it.
        var random = new Random(11);
        var differing = new List<string>();
        for (var i = 0; i < 1000; i++)
        {
            var text = new StringBuilder();
            for (var k = random.Next(1, 30); k > 0; k--)
            {
                text.Append((char)(random.Next(5) switch
                {
                    0 => random.Next(0x20, 0x7F),
                    1 => " \t\n\r'"[random.Next(5)],
                    2 => random.Next(0xA0, 0x600),
                    3 => random.Next(0x600, 0x3000),
                    _ => random.Next(0x3000, 0xD800),
                }));
            }

            var value = text.ToString();
            if (!Tiktoken.EncodeToIds(value).SequenceEqual(model.Weights.Tokenize(value, false, false, Encoding.UTF8).Select(t => (int)t)))
            {
                differing.Add(value);
            }
        }

        Assert.Empty(differing);
    }

    [Fact]
    public void An_astral_symbol_before_a_letter_is_one_piece_as_in_tiktoken()
    {
        // tiktoken's [^\r\n\p{L}\p{N}]?\p{L}+ matches over code points, so "🧤탋" is one piece, and so it is in llama.cpp.
        // Microsoft.ML.Tokenizers runs the pattern as a .NET regex over UTF-16, where a surrogate pair is not one
        // [^...] character: it splits the emoji from the letter, and the bytes A4 ED across them do not merge.
        const string Emoji = "🧤", Letter = "탋";
        var ranks = Ranks();
        var llama = model.Weights.Tokenize(Emoji + Letter, false, false, Encoding.UTF8).Select(t => (int)t).ToArray();
        Assert.Equal(BytePairEncode(Emoji + Letter, ranks), llama);
        Assert.Equal(BytePairEncode(Emoji, ranks).Concat(BytePairEncode(Letter, ranks)), Tiktoken.EncodeToIds(Emoji + Letter));
    }

    [Theory]
    [MemberData(nameof(Texts))]
    public void Detokenizing_gives_the_text_back(string text)
    {
        var tokens = model.Weights.Tokenize(text, add_bos: false, special: false, Encoding.UTF8);
        var decoder = new StreamingTokenDecoder(Encoding.UTF8, model.Weights);
        decoder.AddRange(tokens);
        Assert.Equal(text, decoder.Read());
    }

    [Fact]
    public void Every_token_piece_is_its_tiktoken_bytes()
    {
        var vocabulary = Vocabulary.Tiktoken("cl100k_base");
        var buffer = new byte[256];
        var wrong = new List<int>();
        for (var id = 0; id < vocabulary.Count; id++)
        {
            var length = (int)model.Weights.NativeHandle.TokenToSpan((LLamaToken)id, buffer, 0, false);
            if (!buffer.AsSpan(0, length).SequenceEqual(vocabulary[id]))
            {
                wrong.Add(id);
            }
        }

        Assert.Empty(wrong);
    }

    [Fact]
    public void GgufVocabulary_reads_the_tiktoken_bytes_and_ends()
    {
        var tiktoken = Vocabulary.Tiktoken("cl100k_base");
        var gguf = GgufVocabulary.Load(model.Path);
        Assert.Equal(model.VocabularySize, gguf.Count);
        for (var id = 0; id < tiktoken.Count; id++)
        {
            Assert.True(gguf[id].SequenceEqual(tiktoken[id]), $"token {id}");
        }

        var endOfText = Tiktoken.SpecialTokens!["<|endoftext|>"];
        Assert.Equal(new HashSet<int> { endOfText, model.VocabularySize - 1 }, gguf.EndOfSequence.ToHashSet());
        Assert.Equal(0, gguf[model.VocabularySize - 2].Length); // <|im_start|> is a control token
    }

    [Fact]
    public void The_chat_template_is_ChatML()
    {
        var template = new LLamaTemplate(model.Weights) { AddAssistant = true };
        template.Add("system", "Be brief.");
        template.Add("user", "Hi");
        var prompt = Encoding.UTF8.GetString(template.Apply());
        Assert.Equal("<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n", prompt);
        var tokens = model.Weights.Tokenize(prompt, add_bos: false, special: true, Encoding.UTF8).Select(t => (int)t).ToArray();
        Assert.Equal(model.VocabularySize - 2, tokens[0]);
        Assert.Equal(3, tokens.Count(t => t == model.VocabularySize - 2));
        Assert.Equal(2, tokens.Count(t => t == model.VocabularySize - 1));
    }

    [Fact]
    public async Task Decoding_gives_logits_over_the_whole_vocabulary()
    {
        using var context = model.Weights.CreateContext(new ModelParams(model.Path) { ContextSize = 256 });
        var batch = new LLamaBatch();
        var tokens = context.Tokenize(Inputs[3], addBos: false, special: false);
        for (var i = 0; i < tokens.Length; i++)
        {
            batch.Add(tokens[i], i, LLamaSeqId.Zero, i == tokens.Length - 1);
        }

        var position = tokens.Length;
        for (var step = 0; step < 4; step++)
        {
            Assert.Equal(DecodeResult.Ok, await context.DecodeAsync(batch));
            var logits = context.NativeHandle.GetLogitsIth(batch.TokenCount - 1);
            Assert.Equal(model.VocabularySize, logits.Length);
            Assert.All(logits.ToArray(), value => Assert.True(float.IsFinite(value)));
            var next = 0;
            for (var id = 1; id < logits.Length; id++)
            {
                next = logits[id] > logits[next] ? id : next;
            }

            batch.Clear();
            batch.Add((LLamaToken)next, position++, LLamaSeqId.Zero, true);
        }
    }

    [Fact]
    public async Task Grammar_decoding_over_the_whole_vocabulary_gives_a_document()
    {
        var schema = "{\"type\":\"object\",\"properties\":{\"name\":{\"type\":\"string\",\"maxLength\":8},\"n\":{\"type\":\"integer\",\"minimum\":0,\"maximum\":999}},\"required\":[\"name\",\"n\"],\"additionalProperties\":false}";
        var compiled = CompiledGrammar.Compile(JsonSchemaCompiler.Compile(schema).Grammar);
        var grammar = new TokenGrammar(compiled, GgufVocabulary.Load(model.Path));
        using var context = model.Weights.CreateContext(new ModelParams(model.Path) { ContextSize = 256 });
        var result = await new GrammarDecoder(model.Weights).GenerateAsync(context, "JSON:", grammar, new GrammarDecodeOptions { Temperature = 1f, Seed = 3, MaxTokens = 100 });
        Assert.True(result.Complete, result.Text);
        Assert.True(GrammarMatcher.Matches(compiled, Encoding.UTF8.GetBytes(result.Text)), result.Text);
    }

    private static Dictionary<string, int> Ranks()
    {
        var vocabulary = Vocabulary.Tiktoken("cl100k_base");
        var ranks = new Dictionary<string, int>();
        for (var id = 0; id < vocabulary.Count; id++)
        {
            if (vocabulary[id].Length > 0)
            {
                ranks[Encoding.Latin1.GetString(vocabulary[id])] = id;
            }
        }

        return ranks;
    }

    /// <summary>tiktoken's byte-pair merging of one piece: the adjacent pair of lowest rank merges first, until none is a token.</summary>
    private static int[] BytePairEncode(string piece, Dictionary<string, int> ranks)
    {
        var parts = Encoding.UTF8.GetBytes(piece).Select(b => ((char)b).ToString()).ToList();
        while (true)
        {
            var best = -1;
            var bestRank = int.MaxValue;
            for (var i = 0; i + 1 < parts.Count; i++)
            {
                if (ranks.TryGetValue(parts[i] + parts[i + 1], out var rank) && rank < bestRank)
                {
                    best = i;
                    bestRank = rank;
                }
            }

            if (best < 0)
            {
                return parts.Select(part => ranks[part]).ToArray();
            }

            parts[best] += parts[best + 1];
            parts.RemoveAt(best + 1);
        }
    }
}

/// <summary>A tiny generated GGUF model with o200k_base as a byte-level BPE vocabulary (llama.cpp's <c>gpt-4o</c> pre-tokenizer).</summary>
public sealed class O200kModelFixture : IDisposable
{
    public O200kModelFixture()
    {
        Folder = Directory.CreateTempSubdirectory("declarative-o200k-").FullName;
        Path = System.IO.Path.Combine(Folder, "o200k.gguf");
        VocabularySize = TinyGguf.WriteTiktoken(Path, "o200k_base");
        Weights = LLamaWeights.LoadFromFile(new ModelParams(Path) { GpuLayerCount = 0, ContextSize = 128 });
    }

    public string Folder { get; }

    public string Path { get; }

    public int VocabularySize { get; }

    public LLamaWeights Weights { get; }

    public void Dispose()
    {
        Weights.Dispose();
        Directory.Delete(Folder, recursive: true);
    }
}

/// <summary>
/// The o200k_base model: every rank, and tiktoken's tokenization of ordinary text. (llama.cpp's <c>gpt-4o</c> split
/// pattern spells o200k's letter classes with <c>[^a-z]</c>/<c>[^A-Z]</c> and leaves combining marks out of them, so a
/// combining mark next to punctuation or letters can split differently; the texts here have none of those.)
/// </summary>
public class O200kGgufTests(O200kModelFixture model) : IClassFixture<O200kModelFixture>
{
    private static readonly TiktokenTokenizer Tiktoken = TiktokenTokenizer.CreateForEncoding("o200k_base");

    public static TheoryData<string> Texts => TiktokenGgufTests.Texts;

    [Fact]
    public void The_vocabulary_has_every_rank_and_reads_back()
    {
        var tiktoken = Vocabulary.Tiktoken("o200k_base");
        Assert.Equal(tiktoken.Count + 2, model.VocabularySize);
        Assert.Equal(model.VocabularySize, model.Weights.Vocab.Count);
        var gguf = GgufVocabulary.Load(model.Path);
        for (var id = 0; id < tiktoken.Count; id++)
        {
            Assert.True(gguf[id].SequenceEqual(tiktoken[id]), $"token {id}");
        }

        Assert.Contains(Tiktoken.SpecialTokens!["<|endoftext|>"], gguf.EndOfSequence);
    }

    [Theory]
    [MemberData(nameof(Texts))]
    public void Llama_cpp_tokenizes_like_tiktoken(string text)
    {
        var actual = model.Weights.Tokenize(text, add_bos: false, special: false, Encoding.UTF8).Select(t => (int)t).ToArray();
        Assert.Equal(Tiktoken.EncodeToIds(text), actual);
    }
}
