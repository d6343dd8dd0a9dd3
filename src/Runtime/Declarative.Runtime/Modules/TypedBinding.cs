using System.Collections;
using System.Diagnostics.CodeAnalysis;
using System.Linq.Expressions;
using System.Reflection;

namespace Declarative;

/// <summary>Reads the input fields of a typed signature instance and writes its output fields, through compiled accessors.</summary>
/// <typeparam name="T">The signature type.</typeparam>
internal sealed class TypedBinding<T>
    where T : class
{
    private static readonly Func<object, object> MemberwiseCloneOf = (Func<object, object>)typeof(object)
        .GetMethod("MemberwiseClone", BindingFlags.Instance | BindingFlags.NonPublic)!
        .CreateDelegate(typeof(Func<object, object>));

    private readonly (string Name, Func<T, object?> Get)[] inputs;
    private readonly Dictionary<string, Action<T, object?>> setters;
    private readonly Func<T, T> copy;

    public TypedBinding(Signature signature)
    {
        Signature = signature;

        // Accessors the source generator registered when they cover every field; compiled expressions otherwise.
        if (SignatureAccessors.Find<T>() is { } generated
            && signature.InputFields.All(f => generated.Getters.ContainsKey(f.Name))
            && signature.OutputFields.All(f => generated.Setters.ContainsKey(f.Name)))
        {
            inputs = signature.InputFields.Select(f => (f.Name, generated.Getters[f.Name])).ToArray();
            setters = signature.OutputFields.ToDictionary(f => f.Name, f => generated.Setters[f.Name], StringComparer.Ordinal);
            copy = generated.Copy;
            UsesGeneratedAccessors = true;
            return;
        }

        inputs = signature.InputFields.Select(f => (f.Name, Getter(Property(f)))).ToArray();
        setters = signature.OutputFields.ToDictionary(f => f.Name, f => Setter(Property(f)), StringComparer.Ordinal);
        copy = value => (T)MemberwiseCloneOf(value);
    }

    /// <summary>Whether this binding uses accessors the source generator wrote.</summary>
    public bool UsesGeneratedAccessors { get; }

    public static TypedBinding<T> Instance { get; } = new(Declarative.Signature.For<T>());

    public Signature Signature { get; }

    public IReadOnlyDictionary<string, object?> Inputs(T value) => new InputView(this, value);

    /// <summary>A copy of <paramref name="input"/> with the outputs set.</summary>
    public T WithOutputs(T input, IReadOnlyDictionary<string, object?> outputs)
    {
        var result = copy(input);
        foreach (var (name, value) in outputs)
        {
            if (setters.TryGetValue(name, out var set))
            {
                set(result, value);
            }
        }

        return result;
    }

    private static PropertyInfo Property(Field field) =>
        typeof(T).GetProperty(field.MemberName ?? throw new InvalidOperationException($"Field '{field.Name}' is not bound to a property of {typeof(T).Name}."),
            BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance)
        ?? throw new InvalidOperationException($"{typeof(T).Name} has no property '{field.MemberName}'.");

    private static Func<T, object?> Getter(PropertyInfo property)
    {
        var target = Expression.Parameter(typeof(T));
        return Expression.Lambda<Func<T, object?>>(Expression.Convert(Expression.Property(target, property), typeof(object)), target).Compile();
    }

    private static Action<T, object?> Setter(PropertyInfo property)
    {
        var setter = property.SetMethod ?? throw new SignatureException(
            $"Output property '{typeof(T).Name}.{property.Name}' has no setter; give it 'set' or 'init' so the prediction can be written to it.");
        var target = Expression.Parameter(typeof(T));
        var value = Expression.Parameter(typeof(object));
        var body = Expression.Call(target, setter, Expression.Convert(value, property.PropertyType));
        return Expression.Lambda<Action<T, object?>>(body, target, value).Compile();
    }

    /// <summary>A read-only dictionary view of the input properties, allocated once per call.</summary>
    private sealed class InputView(TypedBinding<T> binding, T value) : IReadOnlyDictionary<string, object?>
    {
        public object? this[string key] => TryGetValue(key, out var v) ? v : throw new KeyNotFoundException(key);

        public IEnumerable<string> Keys => binding.inputs.Select(i => i.Name);

        public IEnumerable<object?> Values => binding.inputs.Select(i => i.Get(value));

        public int Count => binding.inputs.Length;

        public bool ContainsKey(string key) => Array.FindIndex(binding.inputs, i => i.Name == key) >= 0;

        public bool TryGetValue(string key, [MaybeNullWhen(false)] out object? result)
        {
            foreach (var input in binding.inputs)
            {
                if (string.Equals(input.Name, key, StringComparison.Ordinal))
                {
                    result = input.Get(value);
                    return true;
                }
            }

            result = null;
            return false;
        }

        public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
        {
            foreach (var input in binding.inputs)
            {
                yield return new(input.Name, input.Get(value));
            }
        }

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
