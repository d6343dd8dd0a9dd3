using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Reflection;

namespace Declarative;

/// <summary>Reads DataAnnotations attributes into <see cref="FieldConstraints"/>.</summary>
internal static class ConstraintReader
{
    public static FieldConstraints Read(MemberInfo member, TypeShape shape)
    {
        var result = FieldConstraints.None;
        foreach (var attribute in member.GetCustomAttributes<ValidationAttribute>(inherit: true))
        {
            result = attribute switch
            {
                RangeAttribute range => result with
                {
                    Minimum = ToDouble(range.Minimum, member),
                    Maximum = ToDouble(range.Maximum, member),
                    MinimumIsExclusive = range.MinimumIsExclusive,
                    MaximumIsExclusive = range.MaximumIsExclusive,
                },
                StringLengthAttribute length => result with
                {
                    MinLength = length.MinimumLength > 0 ? length.MinimumLength : result.MinLength,
                    MaxLength = length.MaximumLength,
                },
                LengthAttribute length => result with { MinLength = length.MinimumLength, MaxLength = length.MaximumLength },
                MinLengthAttribute min => result with { MinLength = min.Length },
                MaxLengthAttribute max => result with { MaxLength = max.Length },
                RegularExpressionAttribute regex => result with { Pattern = regex.Pattern },
                AllowedValuesAttribute allowed when shape.NonNullable.Kind != TypeKind.String => result with
                {
                    AllowedValues = allowed.Values.Select(v => Convert.ToString(v, CultureInfo.InvariantCulture) ?? "None").ToArray(),
                },
                _ => result,
            };
        }

        return result;
    }

    /// <summary>The choices of an <c>[AllowedValues]</c> attribute on a string member, which make it a literal.</summary>
    public static IReadOnlyList<string>? StringChoices(MemberInfo member, TypeShape shape) =>
        shape.NonNullable.Kind == TypeKind.String && member.GetCustomAttribute<AllowedValuesAttribute>() is { } allowed
            ? allowed.Values.Select(v => v?.ToString() ?? throw new SignatureException(
                $"[AllowedValues] on '{member.Name}' contains null; make the property nullable instead.")).ToArray()
            : null;

    private static double? ToDouble(object? value, MemberInfo member)
    {
        try
        {
            return value is null ? null : Convert.ToDouble(value, CultureInfo.InvariantCulture);
        }
        catch (Exception ex) when (ex is FormatException or InvalidCastException)
        {
            throw new SignatureException($"[Range] on '{member.Name}' has a bound '{value}' that is not a number; use numeric bounds.", ex);
        }
    }
}
