namespace Declarative;

/// <summary>
/// Marks a <c>partial</c> <see cref="Module"/> subclass whose member discovery (<see cref="Module.NamedPredictors"/>)
/// and deep copy (<see cref="Module.Clone"/>) the source generator writes, so neither reads the type by reflection.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class ModuleAttribute : Attribute
{
}
