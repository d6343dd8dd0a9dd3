using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Declarative.Generators;

/// <summary>
/// Compiles each <c>partial</c> <c>[Signature]</c> type's descriptor at build time and registers it from a module
/// initializer, so <c>Signature.For&lt;T&gt;()</c>, <c>Predict&lt;T&gt;</c> and the optimizers find it without reading
/// the type by reflection; and writes the predictor discovery and deep copy of each <c>partial</c> <c>[Module]</c>
/// type. Parser (symbols → equatable model) → emitter (model → code), with tracked step names.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class SignatureGenerator : IIncrementalGenerator
{
    /// <summary>The tracked step that reads signature types into models.</summary>
    public const string ModelStep = "SignatureModels";

    /// <summary>The tracked step that finds whether the compilation can take generated field accessors.</summary>
    public const string AccessorsStep = "CanUseAccessors";

    /// <summary>The tracked step that reads <c>[Module]</c> types into models.</summary>
    public const string ModuleStep = "ModuleModels";

    /// <inheritdoc />
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var models = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                "Declarative.SignatureAttribute",
                static (node, _) => node is TypeDeclarationSyntax declaration && declaration.Modifiers.Any(SyntaxKind.PartialKeyword),
                static (syntax, cancellationToken) => ModelCache.Get(syntax, cancellationToken))
            .Where(static model => model is not null)
            .WithTrackingName(ModelStep);
        // Accessors need Declarative.Runtime (where the typed binding lives) and UnsafeAccessor (.NET 8 and later).
        var accessors = context.CompilationProvider
            .Select(static (compilation, _) => compilation.GetTypeByMetadataName("Declarative.SignatureAccessors") is not null
                && compilation.GetTypeByMetadataName("System.Runtime.CompilerServices.UnsafeAccessorAttribute") is not null)
            .WithTrackingName(AccessorsStep);
        context.RegisterSourceOutput(models.Combine(accessors), static (output, pair) =>
            output.AddSource(pair.Left!.FullyQualifiedName.Replace("global::", string.Empty).Replace('<', '[').Replace('>', ']') + ".Signature.g.cs", SignatureEmitter.Emit(pair.Left, pair.Right)));

        var modules = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                "Declarative.ModuleAttribute",
                static (node, _) => node is ClassDeclarationSyntax declaration && declaration.Modifiers.Any(SyntaxKind.PartialKeyword),
                static (syntax, cancellationToken) => ModuleParser.Parse((INamedTypeSymbol)syntax.TargetSymbol, syntax.SemanticModel.Compilation, cancellationToken))
            .Where(static model => model is not null)
            .WithTrackingName(ModuleStep);
        context.RegisterSourceOutput(modules, static (output, model) =>
            output.AddSource(model!.FullyQualifiedName.Replace("global::", string.Empty) + ".Module.g.cs", ModuleEmitter.Emit(model)));
    }
}
