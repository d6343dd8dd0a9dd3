using System.Text;

namespace Declarative.Testing;

/// <summary>
/// Writes tiny GGUF models that llama.cpp loads: the llama architecture with one block, a small embedding and seeded
/// random weights, and a SentencePiece ("llama") vocabulary of special tokens, the 256 byte tokens and the given pieces.
/// The output is nonsense; the point is a real model file for tests of loading, tokenization, grammars and decoding
/// that needs no download.
/// </summary>
public static class TinyGguf
{
    private const uint TypeUInt32 = 4;
    private const uint TypeInt32 = 5;
    private const uint TypeFloat32 = 6;
    private const uint TypeString = 8;
    private const uint TypeArray = 9;
    private const int Alignment = 32;

    /// <summary>Id of <c>&lt;unk&gt;</c>.</summary>
    public const int Unknown = 0;

    /// <summary>Id of <c>&lt;s&gt;</c> (beginning of sequence).</summary>
    public const int Begin = 1;

    /// <summary>Id of <c>&lt;/s&gt;</c> (end of sequence).</summary>
    public const int End = 2;

    /// <summary>Id of the byte token <c>&lt;0x00&gt;</c>; byte b is <c>FirstByte + b</c>.</summary>
    public const int FirstByte = 3;

    /// <summary>Pieces that make JSON and English text tokenize into more than single bytes.</summary>
    public static IReadOnlyList<string> DefaultPieces { get; } =
    [
        "▁", "{\"", "\":", "\",\"", "\"}", "\"", "\",", "},", "[", "]", "{", "}", ",", ":", "true", "false", "null",
        "name", "age", "tags", "id", "value", "the", "▁the", "▁a", "▁is", "ing", "er", "ed", "12", "00", "0.", "-1",
        "answer", "question", "reasoning", "[[", "▁##", "]]", "completed", "\n", "\n\n",
    ];

    /// <summary>Writes a model file.</summary>
    /// <param name="path">Where to write it.</param>
    /// <param name="pieces">Vocabulary pieces beyond the specials and bytes (SentencePiece spelling: <c>▁</c> for a space); default <see cref="DefaultPieces"/>.</param>
    /// <param name="embedding">The embedding width (a multiple of 8).</param>
    /// <param name="seed">Seed of the random weights.</param>
    /// <returns>The vocabulary size.</returns>
    public static int Write(string path, IReadOnlyList<string>? pieces = null, int embedding = 32, int seed = 1)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (embedding <= 0 || embedding % 8 != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(embedding), "The embedding width must be a positive multiple of 8.");
        }

        var tokens = new List<string> { "<unk>", "<s>", "</s>" };
        var types = new List<int> { 2, 3, 3 };
        for (var b = 0; b < 256; b++)
        {
            tokens.Add($"<0x{b:X2}>");
            types.Add(6);
        }

        foreach (var piece in pieces ?? DefaultPieces)
        {
            if (!tokens.Contains(piece))
            {
                tokens.Add(piece);
                types.Add(1);
            }
        }

        var scores = tokens.Select((t, i) => types[i] == 1 ? -(float)i / tokens.Count : 0f).ToArray();
        var vocab = tokens.Count;
        const int Heads = 2;
        var feedForward = embedding * 2;
        var tensors = new List<(string Name, long[] Shape)>
        {
            ("token_embd.weight", [embedding, vocab]),
            ("output_norm.weight", [embedding]),
            ("output.weight", [embedding, vocab]),
            ("blk.0.attn_norm.weight", [embedding]),
            ("blk.0.attn_q.weight", [embedding, embedding]),
            ("blk.0.attn_k.weight", [embedding, embedding]),
            ("blk.0.attn_v.weight", [embedding, embedding]),
            ("blk.0.attn_output.weight", [embedding, embedding]),
            ("blk.0.ffn_norm.weight", [embedding]),
            ("blk.0.ffn_gate.weight", [embedding, feedForward]),
            ("blk.0.ffn_up.weight", [embedding, feedForward]),
            ("blk.0.ffn_down.weight", [feedForward, embedding]),
        };

        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        using var stream = File.Create(path);
        using var writer = new BinaryWriter(stream, Encoding.UTF8);
        writer.Write(0x46554747u); // "GGUF"
        writer.Write(3u);
        writer.Write((ulong)tensors.Count);
        var metadata = new List<Action>
        {
            () => { Key(writer, "general.architecture", TypeString); Str(writer, "llama"); },
            () => { Key(writer, "general.name", TypeString); Str(writer, "declarative-tiny"); },
            () => { Key(writer, "llama.context_length", TypeUInt32); writer.Write(2048u); },
            () => { Key(writer, "llama.embedding_length", TypeUInt32); writer.Write((uint)embedding); },
            () => { Key(writer, "llama.block_count", TypeUInt32); writer.Write(1u); },
            () => { Key(writer, "llama.feed_forward_length", TypeUInt32); writer.Write((uint)feedForward); },
            () => { Key(writer, "llama.attention.head_count", TypeUInt32); writer.Write((uint)Heads); },
            () => { Key(writer, "llama.attention.head_count_kv", TypeUInt32); writer.Write((uint)Heads); },
            () => { Key(writer, "llama.rope.dimension_count", TypeUInt32); writer.Write((uint)(embedding / Heads)); },
            () => { Key(writer, "llama.attention.layer_norm_rms_epsilon", TypeFloat32); writer.Write(1e-5f); },
            () => { Key(writer, "tokenizer.ggml.model", TypeString); Str(writer, "llama"); },
            () =>
            {
                Key(writer, "tokenizer.ggml.tokens", TypeArray);
                writer.Write(TypeString);
                writer.Write((ulong)tokens.Count);
                tokens.ForEach(t => Str(writer, t));
            },
            () =>
            {
                Key(writer, "tokenizer.ggml.scores", TypeArray);
                writer.Write(TypeFloat32);
                writer.Write((ulong)scores.Length);
                foreach (var s in scores)
                {
                    writer.Write(s);
                }
            },
            () =>
            {
                Key(writer, "tokenizer.ggml.token_type", TypeArray);
                writer.Write(TypeInt32);
                writer.Write((ulong)types.Count);
                types.ForEach(writer.Write);
            },
            () => { Key(writer, "tokenizer.ggml.unknown_token_id", TypeUInt32); writer.Write((uint)Unknown); },
            () => { Key(writer, "tokenizer.ggml.bos_token_id", TypeUInt32); writer.Write((uint)Begin); },
            () => { Key(writer, "tokenizer.ggml.eos_token_id", TypeUInt32); writer.Write((uint)End); },
        };
        writer.Write((ulong)metadata.Count);
        metadata.ForEach(write => write());

        long offset = 0;
        var offsets = new List<long>();
        foreach (var (name, shape) in tensors)
        {
            Str(writer, name);
            writer.Write((uint)shape.Length);
            foreach (var dimension in shape)
            {
                writer.Write((ulong)dimension);
            }

            writer.Write(0u); // F32
            writer.Write((ulong)offset);
            offsets.Add(offset);
            offset = Align(offset + (shape.Aggregate(1L, (a, d) => a * d) * 4));
        }

        Pad(writer);
        var start = stream.Position;
        var random = new Random(seed);
        for (var i = 0; i < tensors.Count; i++)
        {
            while (stream.Position - start < offsets[i])
            {
                writer.Write((byte)0);
            }

            var (name, shape) = tensors[i];
            var count = shape.Aggregate(1L, (a, d) => a * d);
            var isNorm = name.EndsWith("norm.weight", StringComparison.Ordinal);
            for (long k = 0; k < count; k++)
            {
                writer.Write(isNorm ? 1f : (float)((random.NextDouble() - 0.5) * 0.2));
            }
        }

        return vocab;
    }

    private static long Align(long value) => (value + Alignment - 1) / Alignment * Alignment;

    private static void Pad(BinaryWriter writer)
    {
        while (writer.BaseStream.Position % Alignment != 0)
        {
            writer.Write((byte)0);
        }
    }

    private static void Key(BinaryWriter writer, string key, uint type)
    {
        Str(writer, key);
        writer.Write(type);
    }

    private static void Str(BinaryWriter writer, string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        writer.Write((ulong)bytes.Length);
        writer.Write(bytes);
    }
}
