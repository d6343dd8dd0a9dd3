using System.Runtime.CompilerServices;

namespace Declarative.Decoding;

/// <summary>Splits a range of code points into sequences of byte ranges that match exactly its UTF-8 encodings.</summary>
internal static class Utf8Ranges
{
    private static readonly int[] MaxForLength = [0x7F, 0x7FF, 0xFFFF, 0x10FFFF];

    /// <summary>Each result is a sequence of (first, last) byte ranges, one per encoded byte.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static IEnumerable<(byte First, byte Last)[]> Split(int first, int last)
    {
        // Split by encoded length first.
        var minForLength = 0;
        for (var length = 1; length <= 4; length++)
        {
            var max = MaxForLength[length - 1];
            var lo = Math.Max(first, minForLength);
            var hi = Math.Min(last, max);
            if (lo <= hi)
            {
                foreach (var sequence in SplitSameLength(lo, hi, length))
                {
                    yield return sequence;
                }
            }

            minForLength = max + 1;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static IEnumerable<(byte First, byte Last)[]> SplitSameLength(int lo, int hi, int length)
    {
        if (length == 1)
        {
            yield return [((byte)lo, (byte)hi)];
            yield break;
        }

        // Split so that all continuation bytes either span their full range or the prefix is shared.
        for (var i = 1; i < length; i++)
        {
            var mask = (1 << (6 * i)) - 1;
            if ((lo & ~mask) != (hi & ~mask))
            {
                if ((lo & mask) != 0)
                {
                    foreach (var s in SplitSameLength(lo, lo | mask, length))
                    {
                        yield return s;
                    }

                    foreach (var s in SplitSameLength((lo | mask) + 1, hi, length))
                    {
                        yield return s;
                    }

                    yield break;
                }

                if ((hi & mask) != mask)
                {
                    foreach (var s in SplitSameLength(lo, (hi & ~mask) - 1, length))
                    {
                        yield return s;
                    }

                    foreach (var s in SplitSameLength(hi & ~mask, hi, length))
                    {
                        yield return s;
                    }

                    yield break;
                }
            }
        }

        var a = Encode(lo, length);
        var b = Encode(hi, length);
        var result = new (byte, byte)[length];
        for (var i = 0; i < length; i++)
        {
            result[i] = (a[i], b[i]);
        }

        yield return result;
    }

    private static byte[] Encode(int codePoint, int length) => length switch
    {
        2 => [(byte)(0xC0 | (codePoint >> 6)), (byte)(0x80 | (codePoint & 0x3F))],
        3 => [(byte)(0xE0 | (codePoint >> 12)), (byte)(0x80 | ((codePoint >> 6) & 0x3F)), (byte)(0x80 | (codePoint & 0x3F))],
        _ => [(byte)(0xF0 | (codePoint >> 18)), (byte)(0x80 | ((codePoint >> 12) & 0x3F)), (byte)(0x80 | ((codePoint >> 6) & 0x3F)), (byte)(0x80 | (codePoint & 0x3F))],
    };
}
