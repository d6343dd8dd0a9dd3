using Microsoft.CodeAnalysis;

namespace Declarative.Generators;

using TypeKind = Microsoft.CodeAnalysis.TypeKind;

/// <summary>Which property types a model can write, by the same rules as the run-time <c>TypeShape.FromType</c>.</summary>
internal static class TypeShapes
{
    /// <summary>Why a type cannot be a field value, or null when it can.</summary>
    public static string? Problem(ITypeSymbol type, KnownTypes known, HashSet<ITypeSymbol> seen)
    {
        switch (type)
        {
            case ITypeParameterSymbol:
                return "it is a type parameter, and a signature needs a closed type; use a concrete type";
            case IPointerTypeSymbol or IFunctionPointerTypeSymbol:
                return "pointers cannot be written as JSON; use a number or a record";
            case IArrayTypeSymbol array:
                return array.Rank != 1
                    ? "multi-dimensional arrays are not supported; use a jagged array or a list of lists"
                    : Problem(array.ElementType, known, seen);
            case IErrorTypeSymbol:
                return null; // the compiler reports it
        }

        if (type.TypeKind == TypeKind.Dynamic || type.SpecialType == SpecialType.System_Object)
        {
            return "'object' says nothing about the value; use a string, number, bool, enum, date/time, Guid, collection, string-keyed dictionary or record";
        }

        if (type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable)
        {
            return Problem(nullable.TypeArguments[0], known, seen);
        }

        if (IsScalar(type, known))
        {
            return null;
        }

        if (type.TypeKind == TypeKind.Delegate)
        {
            return "delegates cannot be written as JSON; use a string or a record";
        }

        if (DictionaryArguments(type, known) is { } pair)
        {
            return pair.Key.SpecialType != SpecialType.System_String
                ? $"dictionaries must be keyed by string (keys are JSON object keys), not by {pair.Key.ToDisplayString()}"
                : Problem(pair.Value, known, seen);
        }

        if (ItemType(type) is { } item)
        {
            return Problem(item, known, seen);
        }

        if (known.Enumerable is not null && type.AllInterfaces.Contains(known.Enumerable, SymbolEqualityComparer.Default))
        {
            return "non-generic collections do not say what they hold; use a typed one such as List<T> or T[]";
        }

        if (type.IsValueType && type.SpecialType is SpecialType.System_IntPtr or SpecialType.System_UIntPtr)
        {
            return null;
        }

        // A record or class: its public readable properties, each a field value too.
        if (!seen.Add(type))
        {
            return null;
        }

        var properties = PublicProperties(type).ToList();
        if (properties.Count == 0)
        {
            return $"'{type.Name}' has no public readable properties, so a model cannot produce it; give it properties or use a string";
        }

        foreach (var property in properties)
        {
            if (Problem(property.Type, known, seen) is { } inner)
            {
                return $"its property '{property.Name}' has type '{property.Type.ToDisplayString()}': {inner}";
            }
        }

        return null;
    }

    /// <summary>Whether the type is a single value (string, number, bool, enum, date/time, Guid), nullable or not.</summary>
    public static bool IsScalar(ITypeSymbol type, KnownTypes known)
    {
        if (type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable)
        {
            type = nullable.TypeArguments[0];
        }

        return type.TypeKind == TypeKind.Enum
            || type.SpecialType is SpecialType.System_String or SpecialType.System_Char or SpecialType.System_Boolean
                or SpecialType.System_SByte or SpecialType.System_Byte or SpecialType.System_Int16 or SpecialType.System_UInt16
                or SpecialType.System_Int32 or SpecialType.System_UInt32 or SpecialType.System_Int64 or SpecialType.System_UInt64
                or SpecialType.System_Single or SpecialType.System_Double or SpecialType.System_Decimal or SpecialType.System_DateTime
                or SpecialType.System_IntPtr or SpecialType.System_UIntPtr
            || known.Scalars.Contains(type);
    }

    private static KeyValuePair<ITypeSymbol, ITypeSymbol>? DictionaryArguments(ITypeSymbol type, KnownTypes known)
    {
        foreach (var candidate in Self(type).Concat(type.AllInterfaces))
        {
            var definition = candidate.OriginalDefinition;
            if (SymbolEqualityComparer.Default.Equals(definition, known.Dictionary) || SymbolEqualityComparer.Default.Equals(definition, known.ReadOnlyDictionary))
            {
                return new KeyValuePair<ITypeSymbol, ITypeSymbol>(candidate.TypeArguments[0], candidate.TypeArguments[1]);
            }
        }

        return null;
    }

    private static ITypeSymbol? ItemType(ITypeSymbol type)
    {
        if (type.SpecialType == SpecialType.System_String)
        {
            return null;
        }

        foreach (var candidate in Self(type).Concat(type.AllInterfaces))
        {
            if (candidate.OriginalDefinition.SpecialType == SpecialType.System_Collections_Generic_IEnumerable_T)
            {
                return candidate.TypeArguments[0];
            }
        }

        return null;
    }

    private static IEnumerable<INamedTypeSymbol> Self(ITypeSymbol type) => type is INamedTypeSymbol named ? [named] : [];

    private static IEnumerable<IPropertySymbol> PublicProperties(ITypeSymbol type)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var current = type; current is not null && current.SpecialType != SpecialType.System_Object; current = current.BaseType)
        {
            foreach (var property in current.GetMembers().OfType<IPropertySymbol>())
            {
                if (!property.IsStatic && !property.IsIndexer && property.DeclaredAccessibility == Accessibility.Public
                    && property.GetMethod is not null && names.Add(property.Name))
                {
                    yield return property;
                }
            }
        }
    }
}
