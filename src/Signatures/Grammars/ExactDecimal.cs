using System.Globalization;
using System.Numerics;

namespace Declarative.Grammars;

/// <summary>An exact decimal number (unscaled integer and scale), parsed from JSON number text without rounding.</summary>
internal readonly struct ExactDecimal : IComparable<ExactDecimal>
{
    private ExactDecimal(BigInteger unscaled, int scale)
    {
        // Normalized: no trailing zeros in the fraction.
        while (scale > 0 && unscaled % 10 == 0)
        {
            unscaled /= 10;
            scale--;
        }

        Unscaled = unscaled;
        Scale = scale;
    }

    /// <summary>The digits as an integer (value = Unscaled / 10^Scale).</summary>
    public BigInteger Unscaled { get; }

    /// <summary>How many digits stand after the decimal point.</summary>
    public int Scale { get; }

    public static ExactDecimal Zero => default;

    public bool IsNegative => Unscaled.Sign < 0;

    public bool IsIntegral => Scale == 0;

    /// <summary>Parses JSON number text exactly; exponents up to ±10,000.</summary>
    public static bool TryParse(string text, out ExactDecimal value)
    {
        value = default;
        var s = text.Trim();
        var negative = s.StartsWith("-", StringComparison.Ordinal);
        if (negative || s.StartsWith("+", StringComparison.Ordinal))
        {
            s = s.Substring(1);
        }

        var exponent = 0;
        var e = s.IndexOfAny(['e', 'E']);
        if (e >= 0)
        {
            if (!int.TryParse(s.Substring(e + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out exponent) || Math.Abs(exponent) > 10_000)
            {
                return false;
            }

            s = s.Substring(0, e);
        }

        var dot = s.IndexOf('.');
        var digits = dot < 0 ? s : s.Remove(dot, 1);
        var scale = dot < 0 ? 0 : s.Length - dot - 1;
        if (digits.Length == 0 || !digits.All(char.IsDigit))
        {
            return false;
        }

        var unscaled = BigInteger.Parse(digits, CultureInfo.InvariantCulture);
        scale -= exponent;
        if (scale < 0)
        {
            unscaled *= BigInteger.Pow(10, -scale);
            scale = 0;
        }

        value = new ExactDecimal(negative ? -unscaled : unscaled, scale);
        return true;
    }

    public static ExactDecimal Parse(string text) =>
        TryParse(text, out var value) ? value : throw new FormatException($"'{text}' is not a JSON number");

    public ExactDecimal Negate() => new(-Unscaled, Scale);

    /// <summary>The integer part of a non-negative value.</summary>
    public BigInteger IntegerPart => BigInteger.Divide(Unscaled, BigInteger.Pow(10, Scale));

    /// <summary>The fraction digits of a non-negative value, without trailing zeros ("" for whole numbers).</summary>
    public string FractionDigits
    {
        get
        {
            if (Scale == 0)
            {
                return string.Empty;
            }

            var remainder = BigInteger.Remainder(BigInteger.Abs(Unscaled), BigInteger.Pow(10, Scale));
            return remainder.ToString(CultureInfo.InvariantCulture).PadLeft(Scale, '0').TrimEnd('0');
        }
    }

    public int CompareTo(ExactDecimal other)
    {
        var scale = Math.Max(Scale, other.Scale);
        var a = Unscaled * BigInteger.Pow(10, scale - Scale);
        var b = other.Unscaled * BigInteger.Pow(10, scale - other.Scale);
        return a.CompareTo(b);
    }

    public override string ToString() =>
        Scale == 0 ? Unscaled.ToString(CultureInfo.InvariantCulture)
        : (IsNegative ? "-" : string.Empty) + BigInteger.Abs(IntegerPartSigned).ToString(CultureInfo.InvariantCulture) + "." + FractionDigits;

    private BigInteger IntegerPartSigned => BigInteger.Divide(Unscaled, BigInteger.Pow(10, Scale));
}
