using System.Reflection;

namespace Declarative;

/// <summary>A property of an object <see cref="TypeShape"/>.</summary>
/// <param name="Name">The property's name in JSON and prompts (snake_case of the member name unless overridden).</param>
/// <param name="Shape">The property's value shape.</param>
public sealed record PropertyShape(string Name, TypeShape Shape)
{
    /// <summary>What the property holds, from <c>[Description]</c>; <see langword="null"/> for none.</summary>
    public string? Description { get; init; }

    /// <summary>Whether the property must be present (non-nullable properties are required).</summary>
    public bool IsRequired { get; init; } = true;

    /// <summary>The property's DataAnnotations constraints.</summary>
    public FieldConstraints Constraints { get; init; } = FieldConstraints.None;

    /// <summary>The CLR property this came from, when built from a type; not part of equality.</summary>
    public PropertyInfo? Member { get; init; }

    /// <inheritdoc />
    public bool Equals(PropertyShape? other) =>
        other is not null && Name == other.Name && Shape.Equals(other.Shape) && Description == other.Description
        && IsRequired == other.IsRequired && Constraints.Equals(other.Constraints);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Name, Shape, Description, IsRequired);
}
