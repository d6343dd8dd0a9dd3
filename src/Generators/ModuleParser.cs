using System.Threading;
using Declarative.Generators.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Declarative.Generators;

using TypeKind = Microsoft.CodeAnalysis.TypeKind;

/// <summary>
/// Reads a <c>[Module]</c> type's module-valued fields into a <see cref="ModuleModel"/>, by the rules of the run-time
/// <c>Module</c> (instance fields and auto-property backing fields, in declaration order, named in snake_case).
/// Returns null for what it does not take on (the type keeps the reflection path): non-partial, nested or generic
/// types, types whose base is neither <c>Module</c> nor another <c>[Module]</c> type, types that already override the
/// generated members, and compilations without <c>UnsafeAccessor</c> (.NET 8 and later).
/// </summary>
internal static class ModuleParser
{
    public static ModuleModel? Parse(INamedTypeSymbol type, Compilation compilation, CancellationToken cancellationToken)
    {
        if (type.ContainingType is not null || type.IsGenericType || type.TypeKind != TypeKind.Class
            || compilation.GetTypeByMetadataName("System.Runtime.CompilerServices.UnsafeAccessorAttribute") is null)
        {
            return null;
        }

        var declaration = type.DeclaringSyntaxReferences.Select(r => r.GetSyntax(cancellationToken)).OfType<ClassDeclarationSyntax>().FirstOrDefault();
        if (declaration is null || !declaration.Modifiers.Any(SyntaxKind.PartialKeyword) || type.BaseType is not { } baseType)
        {
            return null;
        }

        var baseIsModule = IsModuleClass(baseType);
        if (!baseIsModule && !(DerivesFromModule(baseType) && baseType.GetAttributes().Any(a => a.AttributeClass is { } c && IsNamed(c, "ModuleAttribute"))))
        {
            return null;
        }

        if (type.GetMembers().OfType<IMethodSymbol>().Any(m => m.IsOverride && m.Name is "ModuleMembers" or "Clone" or "NamedPredictors"))
        {
            return null;
        }

        var members = new List<ModuleMemberModel>();
        foreach (var field in type.GetMembers().OfType<IFieldSymbol>().Where(f => !f.IsStatic && !f.IsConst))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var kind = Kind(field.Type, out var element);
            if (kind is null)
            {
                continue;
            }

            var name = field.AssociatedSymbol?.Name ?? field.Name;
            members.Add(new ModuleMemberModel(field.Name, Naming.ToSnakeCase(name.TrimStart('_')), TypeCode(field.Type), kind, element is null ? null : TypeCode(element)));
        }

        return new ModuleModel(
            type.ContainingNamespace.IsGlobalNamespace ? null : type.ContainingNamespace.ToDisplayString(),
            type.Name,
            TypeCode(type),
            baseIsModule,
            EquatableArray.From(members));
    }

    /// <summary>How a field of this type is copied, or null when it holds no modules.</summary>
    private static string? Kind(ITypeSymbol type, out ITypeSymbol? element)
    {
        element = null;
        if (type is INamedTypeSymbol named && DerivesFromModule(named))
        {
            return "Single";
        }

        if (type is IArrayTypeSymbol { Rank: 1, ElementType: INamedTypeSymbol item } && DerivesFromModule(item))
        {
            element = item;
            return "Array";
        }

        var enumerable = (type is INamedTypeSymbol self && self.OriginalDefinition.SpecialType == SpecialType.System_Collections_Generic_IEnumerable_T ? [self] : Array.Empty<INamedTypeSymbol>())
            .Concat(type.AllInterfaces.Where(i => i.OriginalDefinition.SpecialType == SpecialType.System_Collections_Generic_IEnumerable_T))
            .FirstOrDefault(i => i.TypeArguments[0] is INamedTypeSymbol t && DerivesFromModule(t));
        if (enumerable is null)
        {
            return null;
        }

        element = enumerable.TypeArguments[0];
        if (type is INamedTypeSymbol { Name: "List", Arity: 1 } list && list.ContainingNamespace.ToDisplayString() == "System.Collections.Generic")
        {
            return "List";
        }

        return type.TypeKind == TypeKind.Interface && type is INamedTypeSymbol { Arity: 1 } face
            && face.OriginalDefinition.SpecialType is SpecialType.System_Collections_Generic_IEnumerable_T or SpecialType.System_Collections_Generic_IList_T
                or SpecialType.System_Collections_Generic_ICollection_T or SpecialType.System_Collections_Generic_IReadOnlyList_T
                or SpecialType.System_Collections_Generic_IReadOnlyCollection_T
            ? "Interface"
            : "Shared";
    }

    private static bool DerivesFromModule(INamedTypeSymbol type)
    {
        for (var current = type; current is not null; current = current.BaseType)
        {
            if (IsModuleClass(current))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsModuleClass(INamedTypeSymbol type) => IsNamed(type, "Module");

    private static bool IsNamed(INamedTypeSymbol type, string name) =>
        type.Name == name && type.ContainingNamespace is { Name: "Declarative" } ns && ns.ContainingNamespace.IsGlobalNamespace;

    private static string TypeCode(ITypeSymbol type) => type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat
        .WithMiscellaneousOptions(SymbolDisplayMiscellaneousOptions.UseSpecialTypes | SymbolDisplayMiscellaneousOptions.EscapeKeywordIdentifiers));
}
