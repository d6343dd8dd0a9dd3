namespace Declarative.Generators.Model;

/// <summary>What the generator emits for one <c>[Signature]</c> type: plain values only (no symbols or syntax).</summary>
internal sealed record SignatureModel(
    string? Namespace,
    string TypeKeyword,
    string TypeName,
    string FullyQualifiedName,
    string SignatureName,
    string? Instructions,
    EquatableArray<FieldModel> Fields,
    bool IsClass);

/// <summary>A field of a signature (<c>Untrusted</c> is <c>[Input(Untrusted = true)]</c>).</summary>
internal sealed record FieldModel(
    string Name,
    string MemberName,
    bool IsInput,
    string? Description,
    string? Prefix,
    ShapeModel Shape,
    ConstraintsModel Constraints,
    string PropertyType,
    bool HasSetter,
    bool Untrusted);

/// <summary>
/// A type shape as code to rebuild it: <see cref="Kind"/> names the factory (Scalar, Nullable, List, Dictionary,
/// Literal, Enum, Object), <see cref="ScalarKind"/> the scalar kind, <see cref="ClrType"/> the type for <c>typeof</c>.
/// For objects, <see cref="Constructor"/> is the constructor values are created through, as the run-time factory
/// chooses it: "" for a parameterless one, the parameter names joined by commas, or null for none (uninitialized).
/// </summary>
internal sealed record ShapeModel(
    string Kind,
    string? ScalarKind,
    string? ClrType,
    string? Name,
    ShapeModel? Element,
    EquatableArray<string> Choices,
    EquatableArray<PropertyModel> Properties,
    string? Constructor = null,
    bool IsClass = false);

/// <summary>A property of an object shape (with its C# type and whether it can be set, for generated factories).</summary>
internal sealed record PropertyModel(
    string Name,
    string MemberName,
    string? Description,
    bool IsRequired,
    ShapeModel Shape,
    ConstraintsModel Constraints,
    string PropertyType = "",
    bool HasSetter = false);

/// <summary>DataAnnotations constraints, as the run-time reader takes them.</summary>
internal sealed record ConstraintsModel(
    double? Minimum,
    bool MinimumIsExclusive,
    double? Maximum,
    bool MaximumIsExclusive,
    int? MinLength,
    int? MaxLength,
    string? Pattern,
    EquatableArray<string>? AllowedValues)
{
    public static ConstraintsModel None { get; } = new(null, false, null, false, null, null, null, null);
}
