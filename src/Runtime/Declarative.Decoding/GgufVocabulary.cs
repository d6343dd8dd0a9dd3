using System.Text;

namespace Declarative.Decoding;

/// <summary>
/// Reads a vocabulary from a GGUF file's tokenizer metadata (<c>tokenizer.ggml.*</c>): byte-level BPE vocabularies
/// (<c>gpt2</c>: GPT-2's byte-to-character mapping undone) and SentencePiece ones (<c>llama</c>: <c>▁</c> as a space,
/// <c>&lt;0xNN&gt;</c> byte tokens). Control, unknown and unused tokens get no bytes; the end-of-sequence (and
/// end-of-turn) ids end a sequence. Only the metadata is read, never the tensors.
/// </summary>
public static class GgufVocabulary
{
    private const uint Magic = 0x46554747; // "GGUF" little-endian

    /// <summary>Reads the vocabulary of a GGUF file.</summary>
    /// <param name="path">The .gguf file.</param>
    /// <returns>The vocabulary.</returns>
    /// <exception cref="InvalidDataException">The file is not GGUF or has no tokenizer metadata; the message says what is missing.</exception>
    public static Vocabulary Load(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        using var stream = File.OpenRead(path);
        using var reader = new BinaryReader(stream, Encoding.UTF8, leaveOpen: false);
        if (reader.ReadUInt32() != Magic)
        {
            throw new InvalidDataException($"{path} is not a GGUF file (wrong magic number).");
        }

        var version = reader.ReadUInt32();
        if (version is < 2 or > 3)
        {
            throw new InvalidDataException($"{path} is GGUF version {version}; versions 2 and 3 are supported.");
        }

        reader.ReadUInt64(); // tensor count
        var count = reader.ReadUInt64();
        string? model = null;
        List<string>? tokens = null;
        List<long>? types = null;
        var endIds = new List<int>();
        for (ulong i = 0; i < count; i++)
        {
            var key = ReadString(reader);
            var type = reader.ReadUInt32();
            switch (key)
            {
                case "tokenizer.ggml.model":
                    model = (string)ReadValue(reader, type)!;
                    break;
                case "tokenizer.ggml.tokens":
                    tokens = ((List<object?>)ReadValue(reader, type)!).Cast<string>().ToList();
                    break;
                case "tokenizer.ggml.token_type":
                    types = ((List<object?>)ReadValue(reader, type)!).Select(Convert.ToInt64).ToList();
                    break;
                case "tokenizer.ggml.eos_token_id" or "tokenizer.ggml.eot_token_id":
                    endIds.Add(Convert.ToInt32(ReadValue(reader, type)));
                    break;
                default:
                    ReadValue(reader, type);
                    break;
            }
        }

        if (tokens is null)
        {
            throw new InvalidDataException($"{path} has no tokenizer.ggml.tokens; it does not carry a vocabulary.");
        }

        var bytes = new byte[tokens.Count][];
        for (var id = 0; id < tokens.Count; id++)
        {
            var tokenType = types is not null && id < types.Count ? types[id] : 1;
            bytes[id] = tokenType switch
            {
                2 or 3 or 5 => [], // unknown, control, unused
                6 => ByteToken(tokens[id]),
                _ => model == "gpt2" ? Gpt2Bytes(tokens[id]) : Encoding.UTF8.GetBytes(tokens[id].Replace('\u2581', ' ')),
            };
        }

        return new Vocabulary(bytes, endIds.Where(id => id >= 0 && id < tokens.Count).Distinct());
    }

    private static byte[] ByteToken(string text) =>
        text.Length == 6 && text.StartsWith("<0x", StringComparison.Ordinal) && text.EndsWith('>')
            ? [Convert.ToByte(text.Substring(3, 2), 16)]
            : Encoding.UTF8.GetBytes(text);

    private static readonly Lazy<Dictionary<char, byte>> Gpt2Decoder = new(() =>
    {
        // GPT-2 maps every byte to a printable character: printable Latin-1 bytes map to themselves, the rest to U+0100 onwards.
        var map = new Dictionary<char, byte>();
        var next = 0;
        for (var b = 0; b < 256; b++)
        {
            var printable = b is >= '!' and <= '~' or >= 0xA1 and <= 0xAC or >= 0xAE and <= 0xFF;
            map[printable ? (char)b : (char)(256 + next++)] = (byte)b;
        }

        return map;
    });

    private static byte[] Gpt2Bytes(string token)
    {
        var decoder = Gpt2Decoder.Value;
        var result = new byte[token.Length];
        for (var i = 0; i < token.Length; i++)
        {
            result[i] = decoder.TryGetValue(token[i], out var b) ? b : throw new InvalidDataException($"token '{token}' is not in GPT-2's byte encoding");
        }

        return result;
    }

    private static string ReadString(BinaryReader reader)
    {
        var length = reader.ReadUInt64();
        if (length > int.MaxValue)
        {
            throw new InvalidDataException("a GGUF string is longer than 2 GB; the file is damaged.");
        }

        return Encoding.UTF8.GetString(reader.ReadBytes((int)length));
    }

    private static object? ReadValue(BinaryReader reader, uint type) => type switch
    {
        0 => reader.ReadByte(),
        1 => reader.ReadSByte(),
        2 => reader.ReadUInt16(),
        3 => reader.ReadInt16(),
        4 => reader.ReadUInt32(),
        5 => reader.ReadInt32(),
        6 => reader.ReadSingle(),
        7 => reader.ReadByte() != 0,
        8 => ReadString(reader),
        9 => ReadArray(reader),
        10 => reader.ReadUInt64(),
        11 => reader.ReadInt64(),
        12 => reader.ReadDouble(),
        _ => throw new InvalidDataException($"unknown GGUF value type {type}; the file is damaged or newer than this reader."),
    };

    private static List<object?> ReadArray(BinaryReader reader)
    {
        var type = reader.ReadUInt32();
        var length = reader.ReadUInt64();
        var items = new List<object?>((int)Math.Min(length, 1 << 20));
        for (ulong i = 0; i < length; i++)
        {
            items.Add(ReadValue(reader, type));
        }

        return items;
    }
}
