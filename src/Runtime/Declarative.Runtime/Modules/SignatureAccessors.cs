using System.Collections.Concurrent;
using System.ComponentModel;

namespace Declarative;

/// <summary>
/// Where generated code registers the field accessors of a signature type, so that reading its inputs, writing its
/// outputs and copying it need neither reflection nor compiled expressions. Registered from the generated module
/// initializer; user code does not call it.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class SignatureAccessors
{
    private static readonly ConcurrentDictionary<Type, object> Registered = new();

    /// <summary>Registers the accessors of <typeparamref name="T"/>'s fields, by field name.</summary>
    /// <typeparam name="T">The signature type.</typeparam>
    /// <param name="getters">A getter for each input field.</param>
    /// <param name="setters">A setter for each output field (value already of the property's type).</param>
    /// <param name="copy">A shallow copy of an instance.</param>
    public static void Register<T>(IReadOnlyDictionary<string, Func<T, object?>> getters, IReadOnlyDictionary<string, Action<T, object?>> setters, Func<T, T> copy)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(getters);
        ArgumentNullException.ThrowIfNull(setters);
        ArgumentNullException.ThrowIfNull(copy);
        Registered[typeof(T)] = new Accessors<T>(getters, setters, copy);
    }

    private static readonly ConcurrentDictionary<Type, Func<IReadOnlyDictionary<string, object?>, object>> Factories = new();

    /// <summary>
    /// Registers how to create a record or class used as a field value from its property values (by name in prompts),
    /// so parsing a reply builds it without reflection.
    /// </summary>
    /// <param name="type">The record or class.</param>
    /// <param name="create">Creates an instance from the values of all its properties.</param>
    public static void RegisterFactory(Type type, Func<IReadOnlyDictionary<string, object?>, object> create)
    {
        ArgumentNullException.ThrowIfNull(type);
        ArgumentNullException.ThrowIfNull(create);
        Factories[type] = create;
    }

    private static readonly ConcurrentDictionary<Type, Func<IReadOnlyList<object?>, object>> ListFactories = new();
    private static readonly ConcurrentDictionary<Type, Func<IReadOnlyList<KeyValuePair<string, object?>>, object>> DictionaryFactories = new();

    /// <summary>
    /// Registers how to build a collection type used as a field or property value (an array, a list, a set, or an
    /// interface they implement) from its parsed items, so parsing a reply builds it without reflection.
    /// </summary>
    /// <param name="type">The collection type as declared.</param>
    /// <param name="build">Builds an instance from the items (each already of the element type, or null).</param>
    public static void RegisterListFactory(Type type, Func<IReadOnlyList<object?>, object> build)
    {
        ArgumentNullException.ThrowIfNull(type);
        ArgumentNullException.ThrowIfNull(build);
        ListFactories[type] = build;
    }

    /// <summary>
    /// Registers how to build a dictionary type keyed by string used as a field or property value from its parsed
    /// entries, so parsing a reply builds it without reflection.
    /// </summary>
    /// <param name="type">The dictionary type as declared.</param>
    /// <param name="build">Builds an instance from the entries, in order (each value already of the value type, or null).</param>
    public static void RegisterDictionaryFactory(Type type, Func<IReadOnlyList<KeyValuePair<string, object?>>, object> build)
    {
        ArgumentNullException.ThrowIfNull(type);
        ArgumentNullException.ThrowIfNull(build);
        DictionaryFactories[type] = build;
    }

    internal static Func<IReadOnlyList<object?>, object>? FindListFactory(Type type) =>
        ListFactories.TryGetValue(type, out var build) ? build : null;

    internal static Func<IReadOnlyList<KeyValuePair<string, object?>>, object>? FindDictionaryFactory(Type type) =>
        DictionaryFactories.TryGetValue(type, out var build) ? build : null;

    internal static Func<IReadOnlyDictionary<string, object?>, object>? FindFactory(Type type) =>
        Factories.TryGetValue(type, out var create) ? create : null;

    internal static Accessors<T>? Find<T>()
        where T : class => Registered.TryGetValue(typeof(T), out var found) ? (Accessors<T>)found : null;

    internal sealed record Accessors<T>(IReadOnlyDictionary<string, Func<T, object?>> Getters, IReadOnlyDictionary<string, Action<T, object?>> Setters, Func<T, T> Copy);
}
