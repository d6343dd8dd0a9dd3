using System.Numerics;
using System.Runtime.CompilerServices;

namespace Declarative.Decoding;

/// <summary>An immutable set of bytes (256 bits).</summary>
[System.Runtime.InteropServices.StructLayout(System.Runtime.InteropServices.LayoutKind.Sequential)] // Contains indexes the four words as one array
public readonly struct ByteSet : IEquatable<ByteSet>
{
    private readonly ulong a;
    private readonly ulong b;
    private readonly ulong c;
    private readonly ulong d;

    private ByteSet(ulong a, ulong b, ulong c, ulong d)
    {
        this.a = a;
        this.b = b;
        this.c = c;
        this.d = d;
    }

    /// <summary>The empty set.</summary>
    public static ByteSet None => default;

    /// <summary>Every byte.</summary>
    public static ByteSet All => new(ulong.MaxValue, ulong.MaxValue, ulong.MaxValue, ulong.MaxValue);

    /// <summary>The bytes from <paramref name="first"/> to <paramref name="last"/>.</summary>
    /// <param name="first">The first byte.</param>
    /// <param name="last">The last byte (inclusive).</param>
    /// <returns>The set.</returns>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static ByteSet Range(byte first, byte last)
    {
        var set = None;
        for (var i = first; i <= last; i++)
        {
            set = set.With(i);
            if (i == 255)
            {
                break;
            }
        }

        return set;
    }

    /// <summary>One byte.</summary>
    /// <param name="value">The byte.</param>
    /// <returns>The set.</returns>
    public static ByteSet Of(byte value) => None.With(value);

    /// <summary>Whether the set is empty.</summary>
    public bool IsEmpty => (a | b | c | d) == 0;

    /// <summary>The number of bytes in the set.</summary>
    public int Count => BitOperations.PopCount(a) + BitOperations.PopCount(b) + BitOperations.PopCount(c) + BitOperations.PopCount(d);

    /// <summary>Whether the byte is in the set.</summary>
    /// <param name="value">The byte.</param>
    /// <returns>Membership.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool Contains(byte value) =>
        ((Unsafe.Add(ref Unsafe.AsRef(in a), value >> 6) >> (value & 63)) & 1) != 0;

    /// <summary>The set with one more byte.</summary>
    /// <param name="value">The byte.</param>
    /// <returns>The new set.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ByteSet With(byte value) => value switch
    {
        < 64 => new(a | (1UL << value), b, c, d),
        < 128 => new(a, b | (1UL << (value - 64)), c, d),
        < 192 => new(a, b, c | (1UL << (value - 128)), d),
        _ => new(a, b, c, d | (1UL << (value - 192))),
    };

    /// <summary>The union of two sets.</summary>
    /// <param name="other">The other set.</param>
    /// <returns>The union.</returns>
    public ByteSet Union(ByteSet other) => new(a | other.a, b | other.b, c | other.c, d | other.d);

    /// <summary>Whether every byte of <paramref name="other"/> is in this set.</summary>
    /// <param name="other">The other set.</param>
    /// <returns>Whether this set contains it.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool IsSupersetOf(ByteSet other) =>
        (other.a & ~a) == 0 && (other.b & ~b) == 0 && (other.c & ~c) == 0 && (other.d & ~d) == 0;

    /// <summary>The bytes in the set, in order.</summary>
    /// <returns>The bytes.</returns>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public IEnumerable<byte> Bytes()
    {
        for (var i = 0; i < 256; i++)
        {
            if (Contains((byte)i))
            {
                yield return (byte)i;
            }
        }
    }

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool Equals(ByteSet other) => a == other.a && b == other.b && c == other.c && d == other.d;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is ByteSet other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(a, b, c, d);
}
