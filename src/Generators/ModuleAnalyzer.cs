using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Declarative.Generators;

/// <summary>Checks <c>[Module]</c> types: that the generator can complete them, and that their predictors are fixed once built.</summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class ModuleAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(Diagnostics.ModuleMemberNotReadonly, Diagnostics.ModuleNotGenerated);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            var attribute = start.Compilation.GetTypeByMetadataName("Declarative.ModuleAttribute");
            var module = start.Compilation.GetTypeByMetadataName("Declarative.Module");
            if (attribute is not null && module is not null)
            {
                start.RegisterSymbolAction(symbol => Analyze(symbol, attribute, module), SymbolKind.NamedType);
            }
        });
    }

    private static void Analyze(SymbolAnalysisContext context, INamedTypeSymbol attribute, INamedTypeSymbol module)
    {
        var type = (INamedTypeSymbol)context.Symbol;
        if (!type.GetAttributes().Any(a => SymbolEqualityComparer.Default.Equals(a.AttributeClass, attribute)))
        {
            return;
        }

        var declaration = type.DeclaringSyntaxReferences.Select(r => r.GetSyntax(context.CancellationToken)).OfType<TypeDeclarationSyntax>().FirstOrDefault();
        var where = declaration?.Identifier.GetLocation() ?? type.Locations[0];
        if (!Derives(type, module))
        {
            context.ReportDiagnostic(Diagnostic.Create(Diagnostics.ModuleNotGenerated, where, type.Name, "does not derive from Declarative.Module; derive from it"));
            return;
        }

        if (declaration is not null && !declaration.Modifiers.Any(SyntaxKind.PartialKeyword))
        {
            context.ReportDiagnostic(Diagnostic.Create(Diagnostics.ModuleNotGenerated, where, type.Name, "is not partial; declare it 'partial'"));
        }

        foreach (var member in type.GetMembers())
        {
            switch (member)
            {
                case IFieldSymbol { IsStatic: false, IsConst: false, IsReadOnly: false, IsImplicitlyDeclared: false } field when HoldsModules(field.Type, module):
                    context.ReportDiagnostic(Diagnostic.Create(Diagnostics.ModuleMemberNotReadonly, field.Locations[0], field.Name));
                    break;
                case IPropertySymbol { IsStatic: false, SetMethod: { IsInitOnly: false } } property when HoldsModules(property.Type, module) && IsAuto(property, context.CancellationToken):
                    context.ReportDiagnostic(Diagnostic.Create(Diagnostics.ModuleMemberNotReadonly, property.Locations[0], property.Name));
                    break;
            }
        }
    }

    private static bool IsAuto(IPropertySymbol property, System.Threading.CancellationToken cancellationToken) =>
        property.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(cancellationToken) is PropertyDeclarationSyntax { AccessorList: { } accessors }
        && accessors.Accessors.All(a => a.Body is null && a.ExpressionBody is null);

    private static bool HoldsModules(ITypeSymbol type, INamedTypeSymbol module) =>
        (type is INamedTypeSymbol named && Derives(named, module))
        || (type is IArrayTypeSymbol { ElementType: INamedTypeSymbol element } && Derives(element, module))
        || (type is INamedTypeSymbol { IsGenericType: true } generic && generic.TypeArguments.Length == 1 && generic.TypeArguments[0] is INamedTypeSymbol item
            && Derives(item, module) && generic.AllInterfaces.Concat(new[] { generic }).Any(i => i.OriginalDefinition.SpecialType == SpecialType.System_Collections_Generic_IEnumerable_T));

    private static bool Derives(INamedTypeSymbol type, INamedTypeSymbol module)
    {
        for (var current = type; current is not null; current = current.BaseType)
        {
            if (SymbolEqualityComparer.Default.Equals(current, module))
            {
                return true;
            }
        }

        return false;
    }
}
