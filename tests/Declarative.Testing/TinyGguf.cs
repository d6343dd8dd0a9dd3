using System.Text;

namespace Declarative.Testing;

/// <summary>
/// Writes tiny GGUF models that llama.cpp loads: the llama architecture with one block, a small embedding and seeded
/// random weights, and either a SentencePiece ("llama") vocabulary of special tokens, the 256 byte tokens and the given
/// pieces (<see cref="Write"/>) or a real tiktoken encoding as a byte-level BPE vocabulary (<see cref="WriteTiktoken"/>).
/// The output is nonsense; the point is a real model file for tests of loading, tokenization, grammars and decoding
/// that needs no download.
/// </summary>
public static partial class TinyGguf
{
    private const uint TypeUInt32 = 4;
    private const uint TypeInt32 = 5;
    private const uint TypeFloat32 = 6;
    private const uint TypeBool = 7;
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
        WriteModel(path, "declarative-tiny", tokens.Count, embedding, seed,
        [
            writer => MetaString(writer, "tokenizer.ggml.model", "llama"),
            writer => MetaStrings(writer, "tokenizer.ggml.tokens", tokens),
            writer => MetaFloat32s(writer, "tokenizer.ggml.scores", scores),
            writer => MetaInt32s(writer, "tokenizer.ggml.token_type", types),
            writer => MetaUInt32(writer, "tokenizer.ggml.unknown_token_id", Unknown),
            writer => MetaUInt32(writer, "tokenizer.ggml.bos_token_id", Begin),
            writer => MetaUInt32(writer, "tokenizer.ggml.eos_token_id", End),
        ]);
        return tokens.Count;
    }

    /// <summary>
    /// Writes the file: the llama hyperparameters and tensors (one block, <paramref name="embedding"/> wide, seeded random
    /// weights, norms of 1) around the given tokenizer metadata.
    /// </summary>
    private static void WriteModel(string path, string name, int vocab, int embedding, int seed, IReadOnlyList<Action<BinaryWriter>> tokenizer)
    {
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

        using var stream = new BufferedStream(File.Create(path), 1 << 20);
        using var writer = new BinaryWriter(stream, Encoding.UTF8);
        writer.Write(0x46554747u); // "GGUF"
        writer.Write(3u);
        writer.Write((ulong)tensors.Count);
        var metadata = new List<Action<BinaryWriter>>
        {
            w => MetaString(w, "general.architecture", "llama"),
            w => MetaString(w, "general.name", name),
            w => MetaUInt32(w, "llama.context_length", 2048),
            w => MetaUInt32(w, "llama.embedding_length", embedding),
            w => MetaUInt32(w, "llama.block_count", 1),
            w => MetaUInt32(w, "llama.feed_forward_length", feedForward),
            w => MetaUInt32(w, "llama.attention.head_count", Heads),
            w => MetaUInt32(w, "llama.attention.head_count_kv", Heads),
            w => MetaUInt32(w, "llama.rope.dimension_count", embedding / Heads),
            w => { Key(w, "llama.attention.layer_norm_rms_epsilon", TypeFloat32); w.Write(1e-5f); },
        };
        metadata.AddRange(tokenizer);
        writer.Write((ulong)metadata.Count);
        metadata.ForEach(write => write(writer));

        long offset = 0;
        var offsets = new List<long>();
        foreach (var (tensor, shape) in tensors)
        {
            Str(writer, tensor);
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

            var (tensor, shape) = tensors[i];
            var count = shape.Aggregate(1L, (a, d) => a * d);
            var isNorm = tensor.EndsWith("norm.weight", StringComparison.Ordinal);
            for (long k = 0; k < count; k++)
            {
                writer.Write(isNorm ? 1f : (float)((random.NextDouble() - 0.5) * 0.2));
            }
        }
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

    private static void MetaString(BinaryWriter writer, string key, string value)
    {
        Key(writer, key, TypeString);
        Str(writer, value);
    }

    private static void MetaUInt32(BinaryWriter writer, string key, int value)
    {
        Key(writer, key, TypeUInt32);
        writer.Write((uint)value);
    }

    private static void MetaBool(BinaryWriter writer, string key, bool value)
    {
        Key(writer, key, TypeBool);
        writer.Write(value ? (byte)1 : (byte)0);
    }

    private static void MetaStrings(BinaryWriter writer, string key, IReadOnlyCollection<string> values)
    {
        Key(writer, key, TypeArray);
        writer.Write(TypeString);
        writer.Write((ulong)values.Count);
        foreach (var value in values)
        {
            Str(writer, value);
        }
    }

    private static void MetaInt32s(BinaryWriter writer, string key, IReadOnlyCollection<int> values)
    {
        Key(writer, key, TypeArray);
        writer.Write(TypeInt32);
        writer.Write((ulong)values.Count);
        foreach (var value in values)
        {
            writer.Write(value);
        }
    }

    private static void MetaFloat32s(BinaryWriter writer, string key, IReadOnlyCollection<float> values)
    {
        Key(writer, key, TypeArray);
        writer.Write(TypeFloat32);
        writer.Write((ulong)values.Count);
        foreach (var value in values)
        {
            writer.Write(value);
        }
    }

    private static void Str(BinaryWriter writer, string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        writer.Write((ulong)bytes.Length);
        writer.Write(bytes);
    }
}
