namespace Declarative.Generators.Model;

/// <summary>What the generator emits for one <c>[Module]</c> type.</summary>
internal sealed record ModuleModel(
    string? Namespace,
    string TypeName,
    string FullyQualifiedName,
    bool BaseIsModule,
    EquatableArray<ModuleMemberModel> Members);

/// <summary>
/// A module-valued field (or auto-property backing field): its metadata name (for an accessor), its name in prompts,
/// its type, and how to copy it: <c>Single</c> (a module), <c>Array</c>, <c>List</c> (a <c>List&lt;T&gt;</c>),
/// <c>Interface</c> (an interface a <c>List&lt;T&gt;</c> implements) or <c>Shared</c> (another collection, not copied).
/// </summary>
internal sealed record ModuleMemberModel(string FieldName, string PromptName, string FieldType, string Kind, string? ElementType);
