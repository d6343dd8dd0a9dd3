using System.Buffers.Binary;
using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Text.RegularExpressions;

namespace Declarative.Runtime.Onnx;

/// <summary>
/// Reads a NumPy <c>.npz</c> archive (a zip of <c>.npy</c> arrays, stored or deflated) of little-endian float16 or
/// float32 arrays in C order, widening float16 to float32: the tuned weights that
/// <see cref="OnnxEmbeddingOptions.WeightsPath"/> lays over a model's initializers.
/// </summary>
internal static partial class NpzTensors
{
    /// <summary>One array: its name (the entry's name without <c>.npy</c>), shape and values.</summary>
    public sealed record Tensor(string Name, long[] Shape, float[] Values);

    /// <summary>Reads every array of the archive.</summary>
    /// <exception cref="InvalidDataException">The stream is not such an archive; the message names the entry and what is wrong.</exception>
    public static IReadOnlyList<Tensor> Read(Stream stream)
    {
        ZipArchive archive;
        try
        {
            archive = new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: true);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"not a NumPy .npz archive (a zip file of .npy arrays): {e.Message}", e);
        }

        using (archive)
        {
            var tensors = new List<Tensor>();
            foreach (var entry in archive.Entries)
            {
                if (!entry.FullName.EndsWith(".npy", StringComparison.Ordinal))
                {
                    throw new InvalidDataException($"entry '{entry.FullName}' is not a .npy array.");
                }

                if (tensors.Any(t => t.Name == entry.FullName[..^4]))
                {
                    throw new InvalidDataException($"the array '{entry.FullName[..^4]}' is in the archive twice.");
                }

                using var data = entry.Open();
                var buffer = new MemoryStream();
                data.CopyTo(buffer);
                tensors.Add(ReadArray(entry.FullName[..^4], buffer.GetBuffer().AsSpan(0, (int)buffer.Length)));
            }

            return tensors.Count > 0 ? tensors : throw new InvalidDataException("the archive holds no arrays.");
        }
    }

    private static Tensor ReadArray(string name, ReadOnlySpan<byte> bytes)
    {
        // Magic "\x93NUMPY", version (major, minor), header length (2 bytes in version 1, 4 in 2 and 3), header.
        if (bytes.Length < 10 || bytes[0] != 0x93 || !bytes[1..6].SequenceEqual("NUMPY"u8))
        {
            throw new InvalidDataException($"'{name}' is not a .npy array (no NUMPY magic).");
        }

        var major = bytes[6];
        if (major is not (1 or 2 or 3) || (major > 1 && bytes.Length < 12))
        {
            throw new InvalidDataException($"'{name}' is a .npy array of format version {major}, which is not read (versions 1 to 3 are).");
        }

        var (headerLength, headerStart) = major == 1 ? (BinaryPrimitives.ReadUInt16LittleEndian(bytes[8..]), 10)
            : ((long)BinaryPrimitives.ReadUInt32LittleEndian(bytes[8..]), 12);
        if (headerStart + headerLength > bytes.Length)
        {
            throw new InvalidDataException($"'{name}': the .npy header runs past the end of the array.");
        }

        var header = Encoding.Latin1.GetString(bytes.Slice(headerStart, (int)headerLength));
        var descr = Descr().Match(header);
        var shape = Shape().Match(header);
        if (!descr.Success || !shape.Success || FortranOrder().IsMatch(header))
        {
            throw new InvalidDataException($"'{name}': expected a C-order array with a dtype and a shape; header {header.Trim()}.");
        }

        var dims = shape.Groups[1].Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(d => long.TryParse(d, NumberStyles.None, CultureInfo.InvariantCulture, out var dim) ? dim
                : throw new InvalidDataException($"'{name}' has the shape ({shape.Groups[1].Value}), whose dimension '{d}' is not a count."))
            .ToArray();
        var body = bytes[(int)(headerStart + headerLength)..];

        // The element count is checked against the data before anything is allocated: a shape's product can overflow.
        var count = 1L;
        foreach (var dim in dims)
        {
            count = dim == 0 ? 0 : count > body.Length / dim ? long.MaxValue : count * dim;
        }

        var width = descr.Groups[1].Value switch { "<f4" => 4, "<f2" => 2, _ => 0 };
        if (width > 0)
        {
            RequireLength(name, body, count > body.Length ? long.MaxValue : count * width);
        }

        var values = new float[width > 0 ? count : 0];
        switch (descr.Groups[1].Value)
        {
            case "<f4":
                for (var i = 0; i < values.Length; i++)
                {
                    values[i] = BinaryPrimitives.ReadSingleLittleEndian(body[(i * 4)..]);
                }

                break;
            case "<f2":
                for (var i = 0; i < values.Length; i++)
                {
                    values[i] = (float)BinaryPrimitives.ReadHalfLittleEndian(body[(i * 2)..]);
                }

                break;
            default:
                throw new InvalidDataException($"'{name}' has dtype {descr.Groups[1].Value}; only float16 (<f2) and float32 (<f4) weights are read.");
        }

        return new Tensor(name, dims, values);
    }

    private static void RequireLength(string name, ReadOnlySpan<byte> body, long length)
    {
        if (body.Length != length)
        {
            throw new InvalidDataException($"'{name}' holds {body.Length} bytes of data; its shape needs {(length == long.MaxValue ? "more" : length)}.");
        }
    }

    [GeneratedRegex(@"'descr':\s*'([^']*)'")]
    private static partial Regex Descr();

    [GeneratedRegex(@"'shape':\s*\(([^)]*)\)")]
    private static partial Regex Shape();

    [GeneratedRegex(@"'fortran_order':\s*True")]
    private static partial Regex FortranOrder();
}
