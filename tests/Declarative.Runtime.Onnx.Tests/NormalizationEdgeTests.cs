using System.IO.Compression;
using System.Text;

namespace Declarative.Runtime.Onnx.Tests;

/// <summary>Edge cases of <see cref="BertNormalization"/> and <see cref="NpzTensors"/> that need no model.</summary>
public sealed class NormalizationEdgeTests
{
    [Fact]
    public void Dotted_capital_i_is_lower_cased_as_bert_lower_cases_it()
    {
        // Hugging Face: "İ".lower() is "i" + U+0307, whose mark is stripped; .NET's invariant lower-casing leaves U+0130 as it is.
        Assert.Equal("istanbul", new BertNormalization(uncased: true).Normalize("İSTANBUL"));
    }

    [Fact]
    public void Lone_surrogates_are_dropped_and_the_text_around_them_kept()
    {
        var normalization = new BertNormalization(uncased: true);

        Assert.Equal("ab 😀c", normalization.Normalize("a\uD800b \uD83D\uDE00\uDC00c"));
    }

    private static byte[] Array(string descr, string shape, int dataBytes)
    {
        var header = $"{{'descr': '{descr}', 'fortran_order': False, 'shape': {shape}, }}";
        header = header.PadRight(118) + "\n";
        return [0x93, .. "NUMPY"u8, 1, 0, (byte)header.Length, 0, .. Encoding.Latin1.GetBytes(header), .. new byte[dataBytes]];
    }

    private static byte[] Npz(params (string Name, byte[] Bytes)[] entries)
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, bytes) in entries)
            {
                using var entry = zip.CreateEntry(name).Open();
                entry.Write(bytes);
            }
        }

        return buffer.ToArray();
    }
}
