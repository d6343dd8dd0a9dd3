using System.Text;
using Declarative.Decoding;
using Microsoft.ML.Tokenizers;

namespace Declarative.Testing;

public static partial class TinyGguf
{
    /// <summary>The ChatML template written into tiktoken models, which llama.cpp recognizes by <c>&lt;|im_start|&gt;</c>.</summary>
    public const string ChatMLTemplate =
        "{% for message in messages %}{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>\\n' }}{% endfor %}" +
        "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

    private static readonly char[] Gpt2Chars = Gpt2Alphabet();

    /// <summary>
    /// Writes a model file whose vocabulary is a real tiktoken encoding as a byte-level BPE (<c>gpt2</c>) vocabulary: every
    /// ranked token at its rank (token id = rank, bytes in GPT-2's byte-to-character spelling), the merges that rebuild
    /// each multi-byte token from the ranks below it, the encoding's special tokens at their ids as control tokens
    /// (ids the encoding leaves free become <c>&lt;|reserved_N|&gt;</c> control tokens), and <c>&lt;|im_start|&gt;</c>
    /// and <c>&lt;|im_end|&gt;</c> appended when the encoding lacks them, with a ChatML chat template. The pre-tokenizer
    /// is llama.cpp's one for the encoding's split pattern (<c>llama-bpe</c> for cl100k_base, <c>gpt-4o</c> for
    /// o200k_base). <c>&lt;|endoftext|&gt;</c> is the beginning and end of sequence (no beginning is added) and
    /// <c>&lt;|im_end|&gt;</c> the end of turn. The weights are the same tiny random llama block as <see cref="Write"/>'s.
    /// </summary>
    /// <param name="path">Where to write it.</param>
    /// <param name="encoding">The tiktoken encoding: <c>cl100k_base</c> or <c>o200k_base</c>.</param>
    /// <param name="embedding">The embedding width (a multiple of 8); the output tensor is vocabulary × embedding floats.</param>
    /// <param name="seed">Seed of the random weights.</param>
    /// <returns>The vocabulary size.</returns>
    public static int WriteTiktoken(string path, string encoding = "cl100k_base", int embedding = 32, int seed = 1)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentException.ThrowIfNullOrWhiteSpace(encoding);
        if (embedding <= 0 || embedding % 8 != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(embedding), "The embedding width must be a positive multiple of 8.");
        }

        var pre = encoding switch
        {
            "cl100k_base" => "llama-bpe",
            "o200k_base" => "gpt-4o",
            _ => throw new ArgumentException($"'{encoding}' is not a known tiktoken encoding; use cl100k_base or o200k_base.", nameof(encoding)),
        };
        var vocabulary = Vocabulary.Tiktoken(encoding);
        var specials = TiktokenTokenizer.CreateForEncoding(encoding).SpecialTokens ?? new Dictionary<string, int>();
        var specialNames = specials.ToDictionary(special => special.Value, special => special.Key);

        // Each ranked token as a string of chars 0-255 (one per byte): the key of the rank lookup used to derive merges.
        var raw = new string?[vocabulary.Count];
        var tokens = new List<string>(vocabulary.Count + 2);
        var types = new List<int>(vocabulary.Count + 2);
        for (var id = 0; id < vocabulary.Count; id++)
        {
            var bytes = vocabulary[id];
            if (bytes.Length > 0)
            {
                raw[id] = Encoding.Latin1.GetString(bytes);
                tokens.Add(Spell(raw[id]));
                types.Add(1); // normal
            }
            else
            {
                tokens.Add(specialNames.TryGetValue(id, out var name) ? name : $"<|reserved_{id}|>");
                types.Add(3); // control
            }
        }

        foreach (var chat in new[] { "<|im_start|>", "<|im_end|>" })
        {
            if (!specials.ContainsKey(chat))
            {
                tokens.Add(chat);
                types.Add(3);
            }
        }

        var endOfText = specials.TryGetValue("<|endoftext|>", out var eos) ? eos : throw new InvalidOperationException($"{encoding} has no <|endoftext|>.");
        var endOfTurn = specials.TryGetValue("<|im_end|>", out var eot) ? eot : tokens.LastIndexOf("<|im_end|>");
        var merges = Merges(raw);
        WriteModel(path, $"declarative-tiny-{encoding}", tokens.Count, embedding, seed,
        [
            writer => MetaString(writer, "tokenizer.ggml.model", "gpt2"),
            writer => MetaString(writer, "tokenizer.ggml.pre", pre),
            writer => MetaStrings(writer, "tokenizer.ggml.tokens", tokens),
            writer => MetaInt32s(writer, "tokenizer.ggml.token_type", types),
            writer => MetaStrings(writer, "tokenizer.ggml.merges", merges),
            writer => MetaUInt32(writer, "tokenizer.ggml.bos_token_id", endOfText),
            writer => MetaUInt32(writer, "tokenizer.ggml.eos_token_id", endOfText),
            writer => MetaUInt32(writer, "tokenizer.ggml.eot_token_id", endOfTurn),
            writer => MetaBool(writer, "tokenizer.ggml.add_bos_token", false),
            writer => MetaString(writer, "tokenizer.chat_template", ChatMLTemplate),
        ]);
        return tokens.Count;
    }

    /// <summary>
    /// The BPE merges of a tiktoken vocabulary, in rank order: for each multi-byte token, byte-pair merging of its own
    /// bytes with only the lower ranks (always the lowest-ranked adjacent pair first) until no pair merges; when that
    /// leaves two parts, they are the token's merge.
    /// </summary>
    private static List<string> Merges(string?[] raw)
    {
        var ranks = new Dictionary<string, int>(raw.Length, StringComparer.Ordinal);
        for (var id = 0; id < raw.Length; id++)
        {
            if (raw[id] is { } token)
            {
                ranks[token] = id;
            }
        }

        var lookup = ranks.GetAlternateLookup<ReadOnlySpan<char>>();
        var merges = new List<string>(raw.Length);
        var cuts = new List<int>();
        for (var rank = 0; rank < raw.Length; rank++)
        {
            var token = raw[rank];
            if (token is null || token.Length < 2)
            {
                continue;
            }

            // Part k is token[cuts[k]..cuts[k + 1]]; merging parts k and k + 1 drops cut k + 1.
            cuts.Clear();
            for (var i = 0; i <= token.Length; i++)
            {
                cuts.Add(i);
            }

            while (cuts.Count > 3)
            {
                var best = -1;
                var bestRank = rank;
                for (var k = 0; k + 2 < cuts.Count; k++)
                {
                    if (lookup.TryGetValue(token.AsSpan(cuts[k], cuts[k + 2] - cuts[k]), out var pair) && pair < bestRank)
                    {
                        best = k;
                        bestRank = pair;
                    }
                }

                if (best < 0)
                {
                    break;
                }

                cuts.RemoveAt(best + 1);
            }

            if (cuts.Count == 3)
            {
                merges.Add(Spell(token.AsSpan(0, cuts[1])) + " " + Spell(token.AsSpan(cuts[1])));
            }
        }

        return merges;
    }

    /// <summary>Bytes (as chars 0-255) in GPT-2's byte-to-character spelling.</summary>
    private static string Spell(ReadOnlySpan<char> bytes)
    {
        var spelled = new char[bytes.Length];
        for (var i = 0; i < bytes.Length; i++)
        {
            spelled[i] = Gpt2Chars[bytes[i]];
        }

        return new string(spelled);
    }

    /// <summary>GPT-2's byte-to-character map: printable Latin-1 bytes stand for themselves, the others take U+0100 onwards in order.</summary>
    private static char[] Gpt2Alphabet()
    {
        var chars = new char[256];
        var next = 0;
        for (var b = 0; b < 256; b++)
        {
            var printable = b is >= '!' and <= '~' or >= 0xA1 and <= 0xAC or >= 0xAE and <= 0xFF;
            chars[b] = printable ? (char)b : (char)(256 + next++);
        }

        return chars;
    }
}
