using Microsoft.CodeAnalysis;

namespace Declarative.Generators;

/// <summary>The types the checks look for, resolved once per compilation (null when the compilation lacks one).</summary>
internal sealed class KnownTypes(Compilation compilation)
{
    public INamedTypeSymbol? Signature { get; } = compilation.GetTypeByMetadataName("Declarative.SignatureAttribute");

    public INamedTypeSymbol? Input { get; } = compilation.GetTypeByMetadataName("Declarative.InputAttribute");

    public INamedTypeSymbol? Output { get; } = compilation.GetTypeByMetadataName("Declarative.OutputAttribute");

    public INamedTypeSymbol? Range { get; } = DataAnnotation(compilation, "RangeAttribute");

    public INamedTypeSymbol? StringLength { get; } = DataAnnotation(compilation, "StringLengthAttribute");

    public INamedTypeSymbol? Length { get; } = DataAnnotation(compilation, "LengthAttribute");

    public INamedTypeSymbol? MinLength { get; } = DataAnnotation(compilation, "MinLengthAttribute");

    public INamedTypeSymbol? MaxLength { get; } = DataAnnotation(compilation, "MaxLengthAttribute");

    public INamedTypeSymbol? RegularExpression { get; } = DataAnnotation(compilation, "RegularExpressionAttribute");

    public INamedTypeSymbol? AllowedValues { get; } = DataAnnotation(compilation, "AllowedValuesAttribute");

    public INamedTypeSymbol? Dictionary { get; } = compilation.GetTypeByMetadataName("System.Collections.Generic.IDictionary`2");

    public INamedTypeSymbol? ReadOnlyDictionary { get; } = compilation.GetTypeByMetadataName("System.Collections.Generic.IReadOnlyDictionary`2");

    public INamedTypeSymbol? Enumerable { get; } = compilation.GetTypeByMetadataName("System.Collections.IEnumerable");

    /// <summary>Value types and classes that are scalars by name (beyond the special types).</summary>
    public ImmutableHashSetOfNames Scalars { get; } = new(
        "System.Uri", "System.Int128", "System.UInt128", "System.Numerics.BigInteger", "System.Half", "System.DateTimeOffset",
        "System.DateOnly", "System.TimeOnly", "System.Guid");

    private static INamedTypeSymbol? DataAnnotation(Compilation compilation, string name) =>
        compilation.GetTypeByMetadataName("System.ComponentModel.DataAnnotations." + name);
}

/// <summary>A fixed set of full type names.</summary>
internal sealed class ImmutableHashSetOfNames(params string[] names)
{
    private readonly HashSet<string> set = new(names, StringComparer.Ordinal);

    public bool Contains(ITypeSymbol type) => set.Contains(type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat).Replace("global::", string.Empty));
}
