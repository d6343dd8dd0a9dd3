using System.Text;

namespace Declarative.Retrieval;

/// <summary>
/// The header and trailer of saved indexes: the ASCII magic <c>DCLVIDX</c>, a format version byte, a kind byte
/// (<c>E</c> exact, <c>H</c> HNSW), the body, and the ASCII trailer <c>END.</c>. All integers are little-endian;
/// strings are length-prefixed UTF-8 as <see cref="BinaryWriter"/> writes them.
/// </summary>
internal static class IndexFile
{
    public const byte Version = 1;
    private static readonly byte[] Magic = "DCLVIDX"u8.ToArray();
    private static readonly byte[] Trailer = "END."u8.ToArray();

    public static BinaryWriter BeginWrite(Stream stream, char kind)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
        writer.Write(Magic);
        writer.Write(Version);
        writer.Write((byte)kind);
        return writer;
    }

    public static void EndWrite(BinaryWriter writer)
    {
        writer.Write(Trailer);
        writer.Flush();
        writer.Dispose();
    }

    /// <summary>Reads the body of an index of the given kind, turning every read failure into an <see cref="IndexFormatException"/>.</summary>
    public static T Read<T>(Stream stream, char kind, string typeName, Func<BinaryReader, T> body)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var reader = new BinaryReader(stream, Encoding.UTF8, leaveOpen: true);
        try
        {
            var magic = reader.ReadBytes(Magic.Length);
            if (!magic.AsSpan().SequenceEqual(Magic))
            {
                throw new IndexFormatException($"This is not a saved Declarative index (it does not start with 'DCLVIDX'). Load a file written by {typeName}.Save.");
            }

            var version = reader.ReadByte();
            if (version != Version)
            {
                throw new IndexFormatException($"The index file has format version {version}; this library reads version {Version}. Rebuild the index with this version.");
            }

            var actualKind = (char)reader.ReadByte();
            if (actualKind != kind)
            {
                throw new IndexFormatException($"The file holds a '{actualKind}' index, not the '{kind}' index {typeName} reads ('E' exact, 'H' HNSW). Load it with the matching type.");
            }

            var result = body(reader);
            if (!reader.ReadBytes(Trailer.Length).AsSpan().SequenceEqual(Trailer))
            {
                throw new IndexFormatException("The index file does not end where its header says (no 'END.' trailer): it is damaged or was cut short. Rebuild the index.");
            }

            return result;
        }
        catch (Exception ex) when (ex is EndOfStreamException or FormatException or DecoderFallbackException or OverflowException or ArgumentException or IOException)
        {
            throw new IndexFormatException($"The index file is damaged or cut short ({ex.Message}). Rebuild the index.", ex);
        }
    }
}
