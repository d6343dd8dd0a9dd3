using System.Collections.Concurrent;
using System.ComponentModel;
using System.Reflection;

namespace Declarative;

public sealed partial class Signature
{
    private static readonly ConcurrentDictionary<Type, Signature> Registered = new();

    /// <summary>
    /// The signature declared by a <c>[Signature]</c> type: its <c>[Input]</c> and <c>[Output]</c> properties in
    /// declaration order, names in snake_case, descriptions, DataAnnotations constraints and instructions.
    /// </summary>
    /// <typeparam name="T">The signature type.</typeparam>
    /// <returns>The signature (built once per type, then reused).</returns>
    /// <exception cref="SignatureException">The type is not a valid signature.</exception>
    public static Signature For<T>() => Cache<T>.Value ??= For(typeof(T));

    /// <summary>The signature declared by a <c>[Signature]</c> type; see <see cref="For{T}"/>.</summary>
    /// <param name="type">The signature type.</param>
    /// <returns>The signature.</returns>
    public static Signature For(Type type)
    {
        ArgumentNullException.ThrowIfNull(type);
        return Registered.GetOrAdd(type, static t => FromType(t));
    }

    /// <summary>
    /// Registers a precomputed signature for a type, so that <see cref="For{T}"/> returns it without reflection.
    /// Generated code calls this from a module initializer.
    /// </summary>
    /// <param name="type">The signature type.</param>
    /// <param name="signature">Its signature.</param>
    public static void Register(Type type, Signature signature)
    {
        ArgumentNullException.ThrowIfNull(type);
        ArgumentNullException.ThrowIfNull(signature);
        Registered[type] = signature;
    }

    internal static Signature FromType(Type type)
    {
        var attribute = type.GetCustomAttribute<SignatureAttribute>()
            ?? throw new SignatureException($"Type '{type.Name}' is not marked [Signature]; add the attribute or build the signature with Signature.Parse.");
        var instructions = attribute.Instructions ?? type.GetCustomAttribute<DescriptionAttribute>()?.Description;
        var fields = new List<Field>();
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance)
                     .OrderBy(p => p.MetadataToken))
        {
            var input = property.GetCustomAttribute<InputAttribute>();
            var output = property.GetCustomAttribute<OutputAttribute>();
            if (input is null && output is null)
            {
                continue;
            }

            if (input is not null && output is not null)
            {
                throw new SignatureException($"Property '{type.Name}.{property.Name}' is marked both [Input] and [Output]; a field is on one side only.");
            }

            TypeShape shape;
            try
            {
                shape = TypeShape.WithStringChoices(property, TypeShape.FromProperty(property));
            }
            catch (SignatureException ex)
            {
                throw new SignatureException($"Property '{type.Name}.{property.Name}': {ex.Message}", ex);
            }

            var name = input?.Name ?? output?.Name ?? Naming.ToSnakeCase(property.Name);
            var field = new Field(name, input is not null ? FieldRole.Input : FieldRole.Output, shape)
            {
                Description = input?.Description ?? output?.Description ?? property.GetCustomAttribute<DescriptionAttribute>()?.Description,
                Constraints = ConstraintReader.Read(property, shape),
                MemberName = property.Name,
                Untrusted = input?.Untrusted ?? false,
            };
            if ((input?.Prefix ?? output?.Prefix) is { } prefix)
            {
                field = field with { Prefix = prefix };
            }

            fields.Add(field);
        }

        return new Signature(attribute.Name ?? type.Name, fields, instructions);
    }

    private static class Cache<T>
    {
        public static Signature? Value;
    }
}
