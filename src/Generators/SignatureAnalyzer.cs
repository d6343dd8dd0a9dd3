using System.Collections.Immutable;
using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Declarative.Generators;

/// <summary>
/// Checks <c>[Signature]</c> types at build time for what would otherwise fail when the signature is first used: no
/// input or output, a property on both sides, a type a model cannot write, a constraint that cannot hold, two fields
/// with one name. The rules are the run-time model's (<c>Signature.For&lt;T&gt;()</c>).
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class SignatureAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(
        Diagnostics.NotPartial,
        Diagnostics.NoInput,
        Diagnostics.NoOutput,
        Diagnostics.InputAndOutput,
        Diagnostics.NoTypeShape,
        Diagnostics.ImpossibleConstraint,
        Diagnostics.NameCollision);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            var known = new KnownTypes(start.Compilation);
            if (known.Signature is not null)
            {
                start.RegisterSymbolAction(symbol => Analyze(symbol, known), SymbolKind.NamedType);
            }
        });
    }

    private static void Analyze(SymbolAnalysisContext context, KnownTypes known)
    {
        var type = (INamedTypeSymbol)context.Symbol;
        if (!type.GetAttributes().Any(a => SymbolEqualityComparer.Default.Equals(a.AttributeClass, known.Signature)))
        {
            return;
        }

        var declarations = type.DeclaringSyntaxReferences.Select(r => r.GetSyntax(context.CancellationToken)).OfType<TypeDeclarationSyntax>().ToList();
        if (declarations.Count > 0 && !declarations.Any(d => d.Modifiers.Any(SyntaxKind.PartialKeyword)))
        {
            context.ReportDiagnostic(Diagnostic.Create(Diagnostics.NotPartial, declarations[0].Identifier.GetLocation(), type.Name));
        }

        var inputs = 0;
        var outputs = 0;
        var names = new Dictionary<string, IPropertySymbol>(StringComparer.Ordinal);
        foreach (var property in type.GetMembers().OfType<IPropertySymbol>().Where(p => !p.IsStatic && !p.IsIndexer))
        {
            var input = Find(property, known.Input);
            var output = Find(property, known.Output);
            if (input is null && output is null)
            {
                continue;
            }

            if (input is not null && output is not null)
            {
                context.ReportDiagnostic(Diagnostic.Create(Diagnostics.InputAndOutput, property.Locations[0], property.Name));
                continue;
            }

            inputs += input is not null ? 1 : 0;
            outputs += output is not null ? 1 : 0;
            var name = Named(input ?? output!, "Name") ?? Naming.ToSnakeCase(property.Name);
            if (names.TryGetValue(name, out var earlier))
            {
                context.ReportDiagnostic(Diagnostic.Create(Diagnostics.NameCollision, property.Locations[0], property.Name, name, earlier.Name));
            }
            else
            {
                names[name] = property;
            }

            if (TypeShapes.Problem(property.Type, known, new HashSet<ITypeSymbol>(SymbolEqualityComparer.Default)) is { } problem)
            {
                context.ReportDiagnostic(Diagnostic.Create(Diagnostics.NoTypeShape, TypeLocation(property, context.CancellationToken), property.Name, property.Type.ToDisplayString(), problem));
                continue;
            }

            CheckConstraints(context, property, known);
        }

        var identifier = declarations.Count > 0 ? declarations[0].Identifier.GetLocation() : type.Locations[0];
        if (inputs == 0)
        {
            context.ReportDiagnostic(Diagnostic.Create(Diagnostics.NoInput, identifier, type.Name));
        }

        if (outputs == 0)
        {
            context.ReportDiagnostic(Diagnostic.Create(Diagnostics.NoOutput, identifier, type.Name));
        }
    }

    private static void CheckConstraints(SymbolAnalysisContext context, IPropertySymbol property, KnownTypes known)
    {
        int? minLength = null;
        int? maxLength = null;
        AttributeData? lengthSite = null;
        foreach (var attribute in property.GetAttributes())
        {
            var problem = Constraint(attribute, property, known, ref minLength, ref maxLength, ref lengthSite);
            if (problem is not null)
            {
                context.ReportDiagnostic(Diagnostic.Create(Diagnostics.ImpossibleConstraint, AttributeLocation(attribute, property), property.Name, problem));
            }
        }

        if (minLength > maxLength && lengthSite is not null)
        {
            context.ReportDiagnostic(Diagnostic.Create(Diagnostics.ImpossibleConstraint, AttributeLocation(lengthSite, property), property.Name,
                $"the minimum length {minLength} is above the maximum length {maxLength}; no value can satisfy both"));
        }
    }

    private static string? Constraint(AttributeData attribute, IPropertySymbol property, KnownTypes known, ref int? minLength, ref int? maxLength, ref AttributeData? lengthSite)
    {
        var cls = attribute.AttributeClass;
        var args = attribute.ConstructorArguments;
        if (SymbolEqualityComparer.Default.Equals(cls, known.Range) && args.Length >= 2)
        {
            var (min, max) = args.Length == 3
                ? (Number(args[1].Value), Number(args[2].Value))
                : (Number(args[0].Value), Number(args[1].Value));
            if (min is null || max is null)
            {
                return $"[Range] has a bound that is not a number ('{(min is null ? args[args.Length - 2].Value : args[args.Length - 1].Value)}'); use numeric bounds";
            }

            return min > max ? $"[Range] has its minimum {Show(min.Value)} above its maximum {Show(max.Value)}; swap the bounds" : null;
        }

        if (SymbolEqualityComparer.Default.Equals(cls, known.StringLength) && args.Length == 1 && args[0].Value is int stringMax)
        {
            var stringMin = attribute.NamedArguments.FirstOrDefault(a => a.Key == "MinimumLength").Value.Value as int? ?? 0;
            if (stringMax < 0)
            {
                return $"[StringLength] has a negative maximum length {stringMax}";
            }

            return stringMin > stringMax ? $"[StringLength] has MinimumLength {stringMin} above its maximum length {stringMax}; no string can satisfy both" : null;
        }

        if (SymbolEqualityComparer.Default.Equals(cls, known.Length) && args.Length == 2 && args[0].Value is int lengthMin && args[1].Value is int lengthMax)
        {
            return lengthMin > lengthMax ? $"[Length] has its minimum {lengthMin} above its maximum {lengthMax}; swap the bounds" : null;
        }

        if (SymbolEqualityComparer.Default.Equals(cls, known.MinLength) && args.Length == 1 && args[0].Value is int least)
        {
            minLength = least;
            lengthSite = attribute;
            return least < 0 ? $"[MinLength] has a negative length {least}" : null;
        }

        if (SymbolEqualityComparer.Default.Equals(cls, known.MaxLength) && args.Length == 1 && args[0].Value is int most)
        {
            maxLength = most;
            lengthSite = attribute;
            return most < 0 ? $"[MaxLength] has a negative length {most}; give the greatest number of characters or items" : null;
        }

        if (SymbolEqualityComparer.Default.Equals(cls, known.RegularExpression) && args.Length == 1 && args[0].Value is string pattern)
        {
            try
            {
                _ = new Regex(pattern, RegexOptions.None, TimeSpan.FromSeconds(1));
                return null;
            }
            catch (ArgumentException ex)
            {
                return $"[RegularExpression] pattern does not compile ({ex.Message}); fix the pattern";
            }
        }

        if (SymbolEqualityComparer.Default.Equals(cls, known.AllowedValues) && !TypeShapes.IsScalar(property.Type, known))
        {
            return "[AllowedValues] applies to a single value (a string, number, bool or enum), but this property holds a collection or an object; constrain its items instead";
        }

        return null;
    }

    private static double? Number(object? value) => value switch
    {
        int i => i,
        double d => d,
        long l => l,
        string s when double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) => parsed,
        _ => null,
    };

    private static string Show(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    private static AttributeData? Find(IPropertySymbol property, INamedTypeSymbol? attributeType) =>
        attributeType is null ? null : property.GetAttributes().FirstOrDefault(a => SymbolEqualityComparer.Default.Equals(a.AttributeClass, attributeType));

    private static string? Named(AttributeData attribute, string name) =>
        attribute.NamedArguments.FirstOrDefault(a => a.Key == name).Value.Value as string;

    private static Location TypeLocation(IPropertySymbol property, System.Threading.CancellationToken cancellationToken) =>
        property.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(cancellationToken) is PropertyDeclarationSyntax declaration
            ? declaration.Type.GetLocation()
            : property.Locations[0];

    private static Location AttributeLocation(AttributeData attribute, IPropertySymbol property) =>
        attribute.ApplicationSyntaxReference?.GetSyntax().GetLocation() ?? property.Locations[0];
}
