namespace Declarative.Grammars;

/// <summary>An inclusive range of Unicode code points.</summary>
public readonly struct CodePointRange : IEquatable<CodePointRange>
{
    /// <summary>Creates a range.</summary>
    /// <param name="first">The first code point.</param>
    /// <param name="last">The last code point (inclusive).</param>
    public CodePointRange(int first, int last)
    {
        if (first < 0 || last > MaxCodePoint || first > last)
        {
            throw new ArgumentOutOfRangeException(nameof(first), $"[{first}, {last}] is not a range of code points.");
        }

        First = first;
        Last = last;
    }

    /// <summary>The greatest Unicode code point.</summary>
    public const int MaxCodePoint = 0x10FFFF;

    /// <summary>The first code point.</summary>
    public int First { get; }

    /// <summary>The last code point (inclusive).</summary>
    public int Last { get; }

    /// <inheritdoc />
    public bool Equals(CodePointRange other) => First == other.First && Last == other.Last;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is CodePointRange other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => (First * 397) ^ Last;

    /// <inheritdoc />
    public override string ToString() => First == Last ? $"U+{First:X4}" : $"U+{First:X4}-U+{Last:X4}";
}
