using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.CompilerServices;

namespace Declarative.Values;

/// <summary>Creates records and classes from property values: through a constructor whose parameters match the properties, or a parameterless one and setters.</summary>
internal static class ObjectFactory
{
    private static readonly ConcurrentDictionary<Type, ConstructorInfo?> Constructors = new();

    public static object Create(TypeShape shape, IReadOnlyDictionary<string, object?> values)
    {
        var type = shape.ClrType!;
        if (SignatureAccessors.FindFactory(type) is { } generated)
        {
            return generated(values);
        }

        var ctor = Constructors.GetOrAdd(type, FindConstructor);
        object instance;
        var assigned = new HashSet<PropertyInfo>();
        if (ctor is not null && ctor.GetParameters().Length > 0)
        {
            var parameters = ctor.GetParameters();
            var args = new object?[parameters.Length];
            for (var i = 0; i < parameters.Length; i++)
            {
                var property = shape.Properties.First(p => string.Equals(p.Member!.Name, parameters[i].Name, StringComparison.OrdinalIgnoreCase));
                args[i] = values[property.Name];
                assigned.Add(property.Member!);
            }

            instance = ctor.Invoke(args);
        }
        else
        {
            instance = ctor is not null ? ctor.Invoke(null) : RuntimeHelpers.GetUninitializedObject(type);
        }

        foreach (var property in shape.Properties)
        {
            var member = property.Member!;
            if (assigned.Contains(member))
            {
                continue;
            }

            if (member.SetMethod is null)
            {
                throw new FormatException($"cannot set '{type.Name}.{member.Name}': give it a setter or init accessor, or a constructor parameter of the same name");
            }

            member.SetValue(instance, values[property.Name]);
        }

        return instance;
    }

    private static ConstructorInfo? FindConstructor(Type type)
    {
        var constructors = type.GetConstructors(BindingFlags.Public | BindingFlags.Instance);
        var parameterless = constructors.FirstOrDefault(c => c.GetParameters().Length == 0);
        if (parameterless is not null)
        {
            return parameterless;
        }

        var names = type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Select(p => p.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
        return constructors
            .Where(c => c.GetParameters().All(p => p.Name is not null && names.Contains(p.Name)))
            .OrderByDescending(c => c.GetParameters().Length)
            .FirstOrDefault();
    }
}
