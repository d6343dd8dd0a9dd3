using System.Collections;
using System.Reflection;

namespace Declarative;

/// <summary>
/// A program: a tree of modules whose leaves are <see cref="Predict"/>ors. Optimizers find the predictors by name
/// (<see cref="NamedPredictors"/>, DSPy's <c>named_predictors</c>) and return copies with new demonstrations and
/// instructions; running a module never changes it.
/// </summary>
public abstract class Module
{
    /// <summary>
    /// The predictors of this module, with DSPy-style dotted names (snake_case member names, <c>name[0]</c> for list
    /// items). Found by reflection over fields and auto-properties; override to name them yourself.
    /// </summary>
    /// <returns>The predictors in a stable order.</returns>
    public virtual IReadOnlyList<(string Name, Predict Predictor)> NamedPredictors()
    {
        var result = new List<(string, Predict)>();
        Collect(this, prefix: null, result, new HashSet<object>(ReferenceEqualityComparer.Instance));
        return result;
    }

    /// <summary>A deep copy: child modules and predictors are copied, so the copy can be changed without touching this one.</summary>
    /// <returns>The copy.</returns>
    public virtual Module Clone()
    {
        var copy = (Module)MemberwiseClone();
        foreach (var field in InstanceFields(GetType()))
        {
            var value = field.GetValue(copy);
            if (value is Module child)
            {
                field.SetValue(copy, child.Clone());
            }
            else if (value is Module[] array)
            {
                // An array of the field's own element type (a Predict[] field cannot hold a Module[]).
                var cloned = Array.CreateInstance(field.FieldType.GetElementType()!, array.Length);
                for (var i = 0; i < array.Length; i++)
                {
                    cloned.SetValue(array[i].Clone(), i);
                }

                field.SetValue(copy, cloned);
            }
            else if (value is IList list && field.FieldType.IsGenericType && typeof(Module).IsAssignableFrom(field.FieldType.GetGenericArguments()[0])
                     && field.FieldType.GetGenericTypeDefinition() == typeof(List<>))
            {
                var clonedList = (IList)Activator.CreateInstance(field.FieldType)!;
                foreach (Module item in list)
                {
                    clonedList.Add(item.Clone());
                }

                field.SetValue(copy, clonedList);
            }
        }

        return copy;
    }

    /// <summary>
    /// The module-valued members of this module (child modules, predictors, and collections of them), in declaration
    /// order with base-class members first, each with its DSPy-style name. Found by reflection over instance fields
    /// (auto-property backing fields included); the source generator overrides it for <see cref="ModuleAttribute"/> types.
    /// </summary>
    /// <returns>The members and their current values.</returns>
    protected virtual IEnumerable<(string Name, object? Value)> ModuleMembers() =>
        InstanceFields(GetType()).Select(field => (MemberName(field), field.GetValue(this)));

    private static void Collect(Module module, string? prefix, List<(string, Predict)> result, HashSet<object> seen)
    {
        if (!seen.Add(module))
        {
            return;
        }

        if (module is Predict predict && prefix is null)
        {
            result.Add(("self", predict));
            return;
        }

        if (prefix is not null && module.GetType().GetMethod(nameof(NamedPredictors))!.DeclaringType != typeof(Module))
        {
            foreach (var (name, child) in module.NamedPredictors())
            {
                result.Add((name == "self" ? prefix : prefix + "." + name, child));
            }

            return;
        }

        foreach (var (name, value) in module.ModuleMembers())
        {
            var path = prefix is null ? name : prefix + "." + name;
            switch (value)
            {
                case Predict p when seen.Add(p):
                    result.Add((path, p));
                    break;
                case Module child:
                    Collect(child, path, result, seen);
                    break;
                case IEnumerable<Module> children:
                    var i = 0;
                    foreach (var item in children)
                    {
                        var itemPath = $"{path}[{i++}]";
                        if (item is Predict ip)
                        {
                            if (seen.Add(ip))
                            {
                                result.Add((itemPath, ip));
                            }
                        }
                        else
                        {
                            Collect(item, itemPath, result, seen);
                        }
                    }

                    break;
            }
        }
    }

    private static IEnumerable<FieldInfo> InstanceFields(Type type)
    {
        var fields = new List<FieldInfo>();
        for (var t = type; t is not null && t != typeof(Module); t = t.BaseType)
        {
            fields.InsertRange(0, t.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly)
                .OrderBy(f => f.MetadataToken));
        }

        return fields.Where(f => typeof(Module).IsAssignableFrom(f.FieldType) || typeof(IEnumerable<Module>).IsAssignableFrom(f.FieldType));
    }

    private static string MemberName(FieldInfo field)
    {
        var name = field.Name;
        if (name.StartsWith('<') && name.IndexOf('>') is > 1 and var close)
        {
            name = name[1..close]; // auto-property backing field
        }

        return Naming.ToSnakeCase(name.TrimStart('_'));
    }
}
