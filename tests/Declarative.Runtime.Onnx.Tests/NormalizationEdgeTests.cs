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

    [Fact]
    public void Npz_arrays_named_twice_are_refused()
    {
        var bytes = Npz(("w.npy", Array("<f4", "(1,)", 4)), ("w.npy", Array("<f4", "(1,)", 4)));

        var error = Assert.Throws<InvalidDataException>(() => NpzTensors.Read(new MemoryStream(bytes)));

        Assert.Contains("'w'", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("(100000, 100000, 100000)")]
    [InlineData("(-1, -1)")]
    [InlineData("(4611686018427387904, 4)")]
    public void Npz_shapes_that_the_data_cannot_hold_are_refused_before_anything_is_allocated(string shape)
    {
        var bytes = Npz(("w.npy", Array("<f4", shape, 4)));

        Assert.Throws<InvalidDataException>(() => NpzTensors.Read(new MemoryStream(bytes)));
    }

    [Fact]
    public void A_shape_larger_than_its_data_allocates_nothing_for_it()
    {
        var bytes = Npz(("w.npy", Array("<f4", "(100000000,)", 4)));
        var before = GC.GetAllocatedBytesForCurrentThread();

        Assert.Throws<InvalidDataException>(() => NpzTensors.Read(new MemoryStream(bytes)));

        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 10_000_000, "the 400 MB the shape claims were allocated");
    }

    [Fact]
    public void An_npy_header_length_past_the_int_range_is_invalid_data()
    {
        byte[] array = [0x93, .. "NUMPY"u8, 2, 0, 0xFF, 0xFF, 0xFF, 0xFF, .. new byte[16]];

        Assert.Throws<InvalidDataException>(() => NpzTensors.Read(new MemoryStream(Npz(("w.npy", array)))));
    }

    [Fact]
    public void A_scalar_and_a_subfolder_entry_are_read()
    {
        var tensors = NpzTensors.Read(new MemoryStream(Npz(("a/b.npy", Array("<f4", "()", 4)))));

        Assert.Equal("a/b", tensors[0].Name);
        Assert.Empty(tensors[0].Shape);
        Assert.Single(tensors[0].Values);
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
