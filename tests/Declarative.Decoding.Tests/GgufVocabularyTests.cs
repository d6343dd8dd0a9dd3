using System.Text;

namespace Declarative.Decoding.Tests;

public class GgufVocabularyTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("declarative-gguf-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    /// <summary>Writes a GGUF v3 file with tokenizer metadata only.</summary>
    private string WriteGguf(string model, string[] tokens, int[] types, uint eos)
    {
        var path = Path.Combine(folder, model + ".gguf");
        using var writer = new BinaryWriter(File.Create(path));
        writer.Write(0x46554747u);
        writer.Write(3u);
        writer.Write(0UL); // tensors
        writer.Write(5UL); // key/values
        void Key(string key, uint type)
        {
            var bytes = Encoding.UTF8.GetBytes(key);
            writer.Write((ulong)bytes.Length);
            writer.Write(bytes);
            writer.Write(type);
        }

        void Str(string value)
        {
            var bytes = Encoding.UTF8.GetBytes(value);
            writer.Write((ulong)bytes.Length);
            writer.Write(bytes);
        }

        Key("general.architecture", 8);
        Str("llama");
        Key("tokenizer.ggml.model", 8);
        Str(model);
        Key("tokenizer.ggml.tokens", 9);
        writer.Write(8u);
        writer.Write((ulong)tokens.Length);
        foreach (var token in tokens)
        {
            Str(token);
        }

        Key("tokenizer.ggml.token_type", 9);
        writer.Write(5u);
        writer.Write((ulong)types.Length);
        foreach (var type in types)
        {
            writer.Write(type);
        }

        Key("tokenizer.ggml.eos_token_id", 4);
        writer.Write(eos);
        return path;
    }

    [Fact]
    public void Reads_sentencepiece_vocabularies()
    {
        var path = WriteGguf("llama", ["<unk>", "<s>", "</s>", "<0x0A>", "▁the", "é"], [2, 3, 3, 6, 1, 1], 2);
        var vocabulary = GgufVocabulary.Load(path);
        Assert.Equal(6, vocabulary.Count);
        Assert.Equal(0, vocabulary[1].Length);
        Assert.Equal([(byte)'\n'], vocabulary[3].ToArray());
        Assert.Equal(" the", Encoding.UTF8.GetString(vocabulary[4]));
        Assert.Equal("é", Encoding.UTF8.GetString(vocabulary[5]));
        Assert.Equal([2], vocabulary.EndOfSequence);
    }

    [Fact]
    public void Reads_byte_level_bpe_vocabularies()
    {
        var path = WriteGguf("gpt2", ["Ġthe", "Ċ", "Ã©", "<|endoftext|>"], [1, 1, 1, 3], 3);
        var vocabulary = GgufVocabulary.Load(path);
        Assert.Equal(" the", Encoding.UTF8.GetString(vocabulary[0]));
        Assert.Equal("\n", Encoding.UTF8.GetString(vocabulary[1]));
        Assert.Equal("é", Encoding.UTF8.GetString(vocabulary[2]));
        Assert.Equal([3], vocabulary.EndOfSequence);
    }

    [Fact]
    public void Rejects_files_that_are_not_gguf()
    {
        var path = Path.Combine(folder, "x.gguf");
        File.WriteAllText(path, "not a model at all");
        Assert.Contains("not a GGUF file", Assert.Throws<InvalidDataException>(() => GgufVocabulary.Load(path)).Message);
    }
}
