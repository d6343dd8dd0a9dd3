using Microsoft.CodeAnalysis;

namespace Declarative.Generators;

/// <summary>The diagnostics of Declarative's build-time checks; their ids are stable.</summary>
public static class Diagnostics
{
    private const string Category = "Declarative";

    /// <summary>DCL001: a signature type is not partial.</summary>
    public static readonly DiagnosticDescriptor NotPartial = new(
        "DCL001",
        "Signature type is not partial",
        "Signature type '{0}' is not partial; declare it 'partial' so Declarative can compile its descriptor at build time (until then it is read by reflection at run time)",
        Category,
        DiagnosticSeverity.Warning,
        isEnabledByDefault: true);

    /// <summary>DCL002: a signature has no input field.</summary>
    public static readonly DiagnosticDescriptor NoInput = new(
        "DCL002",
        "Signature has no input field",
        "Signature type '{0}' has no [Input] property; mark at least one property [Input]",
        Category,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true);

    /// <summary>DCL003: a signature has no output field.</summary>
    public static readonly DiagnosticDescriptor NoOutput = new(
        "DCL003",
        "Signature has no output field",
        "Signature type '{0}' has no [Output] property; mark at least one property [Output]",
        Category,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true);

    /// <summary>DCL004: a property is marked both input and output.</summary>
    public static readonly DiagnosticDescriptor InputAndOutput = new(
        "DCL004",
        "Property is both input and output",
        "Property '{0}' is marked both [Input] and [Output]; a field is on one side only, so keep one of the attributes",
        Category,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true);

    /// <summary>DCL005: a property's type cannot be a field value.</summary>
    public static readonly DiagnosticDescriptor NoTypeShape = new(
        "DCL005",
        "Field type cannot be written by a model",
        "Property '{0}' has type '{1}', which cannot be a field value: {2}",
        Category,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true);

    /// <summary>DCL006: a constraint can never hold.</summary>
    public static readonly DiagnosticDescriptor ImpossibleConstraint = new(
        "DCL006",
        "Constraint cannot hold",
        "Property '{0}': {1}",
        Category,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true);

    /// <summary>DCL007: two fields have the same name.</summary>
    public static readonly DiagnosticDescriptor NameCollision = new(
        "DCL007",
        "Field names collide",
        "Property '{0}' is named '{1}' in prompts, like property '{2}'; rename one of them or give it [Input(Name = ...)] / [Output(Name = ...)]",
        Category,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true);

    /// <summary>DCL008: a module's predictor (or child module) can be reassigned.</summary>
    public static readonly DiagnosticDescriptor ModuleMemberNotReadonly = new(
        "DCL008",
        "Module member is not readonly",
        "'{0}' holds a predictor or module but can be reassigned; make it readonly (or a get-only property) so a program's structure is fixed once built and copies made by Clone stay faithful",
        Category,
        DiagnosticSeverity.Warning,
        isEnabledByDefault: true);

    /// <summary>DCL009: [Module] on a type the generator cannot complete.</summary>
    public static readonly DiagnosticDescriptor ModuleNotGenerated = new(
        "DCL009",
        "[Module] type cannot be generated",
        "[Module] type '{0}' {1}; until then its predictors are found by reflection",
        Category,
        DiagnosticSeverity.Warning,
        isEnabledByDefault: true);
}
