using System.Globalization;
using System.Text;

namespace Declarative;

/// <summary>
/// Value constraints of a field or property, taken from System.ComponentModel.DataAnnotations
/// (<c>[Range]</c>, <c>[StringLength]</c>, <c>[MinLength]</c>, <c>[MaxLength]</c>, <c>[Length]</c>,
/// <c>[RegularExpression]</c>, <c>[AllowedValues]</c>).
/// </summary>
/// <remarks>
/// Lengths apply to strings (characters) and collections (items). The adapters show the constraints to the
/// model; the grammar compilers enforce them.
/// </remarks>
public sealed record FieldConstraints
{
    /// <summary>No constraints.</summary>
    public static FieldConstraints None { get; } = new();

    /// <summary>The lower bound of a number, or <see langword="null"/>.</summary>
    public double? Minimum { get; init; }

    /// <summary>Whether <see cref="Minimum"/> itself is excluded.</summary>
    public bool MinimumIsExclusive { get; init; }

    /// <summary>The upper bound of a number, or <see langword="null"/>.</summary>
    public double? Maximum { get; init; }

    /// <summary>Whether <see cref="Maximum"/> itself is excluded.</summary>
    public bool MaximumIsExclusive { get; init; }

    /// <summary>The least length (characters or items), or <see langword="null"/>.</summary>
    public int? MinLength { get; init; }

    /// <summary>The greatest length (characters or items), or <see langword="null"/>.</summary>
    public int? MaxLength { get; init; }

    /// <summary>A regular expression the whole string must match, or <see langword="null"/>.</summary>
    public string? Pattern { get; init; }

    /// <summary>The values allowed for a non-string field, as invariant strings, or <see langword="null"/>.</summary>
    public IReadOnlyList<string>? AllowedValues { get; init; }

    /// <summary>Whether any constraint is set.</summary>
    public bool IsEmpty => Minimum is null && Maximum is null && MinLength is null && MaxLength is null
        && Pattern is null && AllowedValues is null;

    /// <summary>
    /// The constraints as DSPy words them in a field description ("greater than or equal to: 1, …"),
    /// or an empty string when there are none.
    /// </summary>
    public string Describe()
    {
        if (IsEmpty)
        {
            return string.Empty;
        }

        var parts = new List<string>(4);
        if (Minimum is { } min)
        {
            parts.Add((MinimumIsExclusive ? "greater than: " : "greater than or equal to: ") + FormatBound(min));
        }

        if (Maximum is { } max)
        {
            parts.Add((MaximumIsExclusive ? "less than: " : "less than or equal to: ") + FormatBound(max));
        }

        if (MinLength is { } minLength)
        {
            parts.Add("minimum length: " + minLength.ToString(CultureInfo.InvariantCulture));
        }

        if (MaxLength is { } maxLength)
        {
            parts.Add("maximum length: " + maxLength.ToString(CultureInfo.InvariantCulture));
        }

        if (Pattern is not null)
        {
            parts.Add("matching the pattern: " + Pattern);
        }

        if (AllowedValues is not null)
        {
            parts.Add("one of: " + string.Join("; ", AllowedValues));
        }

        return string.Join(", ", parts);
    }

    /// <inheritdoc />
    public bool Equals(FieldConstraints? other) =>
        other is not null
        && Minimum == other.Minimum && MinimumIsExclusive == other.MinimumIsExclusive
        && Maximum == other.Maximum && MaximumIsExclusive == other.MaximumIsExclusive
        && MinLength == other.MinLength && MaxLength == other.MaxLength
        && Pattern == other.Pattern
        && (AllowedValues is null ? other.AllowedValues is null
            : other.AllowedValues is not null && AllowedValues.SequenceEqual(other.AllowedValues));

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Minimum, Maximum, MinLength, MaxLength, Pattern);

    private static string FormatBound(double value) =>
        value == Math.Floor(value) && Math.Abs(value) < 1e15
            ? ((long)value).ToString(CultureInfo.InvariantCulture)
            : PythonFormat.Float(value);

    /// <inheritdoc />
    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append(Describe());
        return true;
    }
}
