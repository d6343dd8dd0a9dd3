using System.Globalization;
using System.Text;

namespace Declarative;

/// <summary>
/// Formats scalars the way Python's <c>str()</c> and <c>repr()</c> do, so that prompts match DSPy's
/// byte for byte (<c>3.0</c>, <c>1e-05</c>, <c>True</c>).
/// </summary>
public static class PythonFormat
{
    /// <summary>Formats a double as Python's <c>repr(float)</c>: shortest round-trip digits, <c>.0</c> for whole values, exponent outside [1e-4, 1e16).</summary>
    /// <param name="value">The value.</param>
    /// <returns>The text.</returns>
    public static string Float(double value)
    {
        if (double.IsNaN(value))
        {
            return "nan";
        }

        if (double.IsInfinity(value))
        {
            return value > 0 ? "inf" : "-inf";
        }

        if (value == 0)
        {
            return double.IsNegative(value) ? "-0.0" : "0.0";
        }

        var round = Math.Abs(value).ToString("R", CultureInfo.InvariantCulture);
        var exponent = 0;
        var e = round.IndexOfAny(['E', 'e']);
        var mantissa = round;
        if (e >= 0)
        {
            exponent = int.Parse(round.Substring(e + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            mantissa = round[..e];
        }

        var dot = mantissa.IndexOf('.');
        var intPart = dot < 0 ? mantissa : mantissa[..dot];
        var fracPart = dot < 0 ? string.Empty : mantissa[(dot + 1)..];
        var digits = (intPart + fracPart).TrimStart('0');
        var leadingZeros = (intPart + fracPart).Length - digits.Length;
        digits = digits.TrimEnd('0');
        if (digits.Length == 0)
        {
            digits = "0";
        }

        // Position of the decimal point relative to the first significant digit.
        var point = intPart.Length + exponent - leadingZeros;
        var sci = point - 1;
        var sb = new StringBuilder(24);
        if (value < 0)
        {
            sb.Append('-');
        }

        if (sci >= -4 && sci < 16)
        {
            if (point <= 0)
            {
                sb.Append("0.").Append('0', -point).Append(digits);
            }
            else if (point >= digits.Length)
            {
                sb.Append(digits).Append('0', point - digits.Length).Append(".0");
            }
            else
            {
                sb.Append(digits, 0, point).Append('.').Append(digits, point, digits.Length - point);
            }
        }
        else
        {
            sb.Append(digits[0]);
            if (digits.Length > 1)
            {
                sb.Append('.').Append(digits, 1, digits.Length - 1);
            }

            sb.Append('e').Append(sci < 0 ? '-' : '+');
            var abs = Math.Abs(sci);
            if (abs < 10)
            {
                sb.Append('0');
            }

            sb.Append(abs.ToString(CultureInfo.InvariantCulture));
        }

        return sb.ToString();
    }

    /// <summary>Formats a boolean as Python does: <c>True</c> or <c>False</c>.</summary>
    /// <param name="value">The value.</param>
    /// <returns>The text.</returns>
    public static string Bool(bool value) => value ? "True" : "False";

    /// <summary>Python's <c>str.title()</c>: the first letter of each run of letters upper-cased, the rest lower-cased.</summary>
    /// <param name="text">The text.</param>
    /// <returns>The title-cased text.</returns>
    public static string Title(string text)
    {
        var chars = text.ToCharArray();
        var previousIsLetter = false;
        for (var i = 0; i < chars.Length; i++)
        {
            var c = chars[i];
            if (char.IsLetter(c))
            {
                chars[i] = previousIsLetter ? char.ToLowerInvariant(c) : char.ToUpperInvariant(c);
                previousIsLetter = true;
            }
            else
            {
                previousIsLetter = false;
            }
        }

        return new string(chars);
    }
}
