using System.Collections;
using System.ComponentModel;
using System.Numerics;
using System.Reflection;

namespace Declarative;

public sealed partial class TypeShape
{
    private static readonly NullabilityInfoContext NullabilityContext = new();
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<Type, TypeShape> ByType = new();

    /// <summary>The shape of a CLR type, built once and then reused.</summary>
    /// <param name="type">The type.</param>
    /// <returns>The shape.</returns>
    public static TypeShape Of(Type type)
    {
        ArgumentNullException.ThrowIfNull(type);
        return ByType.GetOrAdd(type, static t => FromType(t));
    }

    /// <summary>Builds the shape of a CLR type by reflection.</summary>
    /// <param name="type">The type: a scalar, enum, collection, string-keyed dictionary, record or class.</param>
    /// <returns>The shape.</returns>
    /// <exception cref="SignatureException">The type cannot be a field value (for example a dictionary keyed by something other than strings).</exception>
    public static TypeShape FromType(Type type)
    {
        ArgumentNullException.ThrowIfNull(type);
        return FromType(type, null, new Dictionary<Type, TypeShape>());
    }

    /// <summary>Builds the shape of a property, honouring nullable reference annotations.</summary>
    /// <param name="property">The property.</param>
    /// <returns>The shape.</returns>
    public static TypeShape FromProperty(PropertyInfo property)
    {
        ArgumentNullException.ThrowIfNull(property);
        return FromType(property.PropertyType, Nullability(property), new Dictionary<Type, TypeShape>());
    }

    internal static NullabilityInfo? Nullability(PropertyInfo property)
    {
        lock (NullabilityContext)
        {
            return NullabilityContext.Create(property);
        }
    }

    private static TypeShape FromType(Type type, NullabilityInfo? nullability, Dictionary<Type, TypeShape> seen)
    {
        if (System.Nullable.GetUnderlyingType(type) is { } underlying)
        {
            return Nullable(FromType(underlying, null, seen), type);
        }

        var shape = NonNullableFromType(type, nullability, seen);
        return !type.IsValueType && nullability?.ReadState == NullabilityState.Nullable ? Nullable(shape, type) : shape;
    }

    private static TypeShape NonNullableFromType(Type type, NullabilityInfo? nullability, Dictionary<Type, TypeShape> seen)
    {
        if (type == typeof(string) || type == typeof(char) || type == typeof(Uri))
        {
            return type == typeof(string) ? String : new(TypeKind.String, type, "str");
        }

        if (type == typeof(bool))
        {
            return Boolean;
        }

        if (type == typeof(int) || type == typeof(long) || type == typeof(short) || type == typeof(byte)
            || type == typeof(sbyte) || type == typeof(ushort) || type == typeof(uint) || type == typeof(ulong)
            || type == typeof(Int128) || type == typeof(UInt128) || type == typeof(BigInteger)
            || type == typeof(nint) || type == typeof(nuint))
        {
            return Scalar(TypeKind.Integer, type);
        }

        if (type == typeof(double) || type == typeof(float) || type == typeof(Half))
        {
            return Scalar(TypeKind.Number, type);
        }

        if (type == typeof(decimal))
        {
            return Scalar(TypeKind.Decimal);
        }

        if (type == typeof(DateTime) || type == typeof(DateTimeOffset))
        {
            return Scalar(TypeKind.DateTime, type);
        }

        if (type == typeof(DateOnly))
        {
            return Scalar(TypeKind.DateOnly);
        }

        if (type == typeof(TimeOnly))
        {
            return Scalar(TypeKind.TimeOnly);
        }

        if (type == typeof(Guid))
        {
            return Scalar(TypeKind.Guid);
        }

        if (type.IsEnum)
        {
            return Enum(type.Name, System.Enum.GetNames(type), type);
        }

        if (type.IsArray)
        {
            if (type.GetArrayRank() != 1)
            {
                throw new SignatureException($"Type '{type}' is a multi-dimensional array; use a jagged array or a list of lists.");
            }

            return List(FromType(type.GetElementType()!, nullability?.ElementType, seen), type);
        }

        if (DictionaryValueType(type) is { } valueType)
        {
            var valueNullability = nullability?.GenericTypeArguments is { Length: 2 } args ? args[1] : null;
            return Dictionary(FromType(valueType, valueNullability, seen), type);
        }

        if (EnumerableItemType(type) is { } itemType)
        {
            var itemNullability = nullability?.GenericTypeArguments is { Length: 1 } args ? args[0] : null;
            return List(FromType(itemType, itemNullability, seen), type);
        }

        if (type.IsPrimitive || type.IsPointer || typeof(Delegate).IsAssignableFrom(type) || type == typeof(object))
        {
            throw new SignatureException(
                $"Type '{type}' cannot be a field value; use a string, number, bool, enum, date/time, Guid, collection, string-keyed dictionary or record.");
        }

        return ObjectFromType(type, seen);
    }

    private static TypeShape ObjectFromType(Type type, Dictionary<Type, TypeShape> seen)
    {
        if (seen.TryGetValue(type, out var pending))
        {
            return pending;
        }

        var shape = PendingObject(type.Name, type);
        seen[type] = shape;
        var properties = new List<PropertyShape>();
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
                     .Where(p => p.CanRead && p.GetIndexParameters().Length == 0)
                     .OrderBy(p => p.MetadataToken))
        {
            if (property.Name == "EqualityContract")
            {
                continue;
            }

            var propertyShape = WithStringChoices(property, FromType(property.PropertyType, Nullability(property), seen));
            properties.Add(new PropertyShape(Naming.ToSnakeCase(property.Name), propertyShape)
            {
                Description = property.GetCustomAttribute<DescriptionAttribute>()?.Description,
                IsRequired = !propertyShape.IsNullable,
                Constraints = ConstraintReader.Read(property, propertyShape),
                Member = property,
            });
        }

        if (properties.Count == 0)
        {
            throw new SignatureException($"Type '{type}' has no public readable properties, so the model cannot produce it; give it properties or use a string.");
        }

        shape.CompleteObject(properties);
        return shape;
    }

    /// <summary>A string member with <c>[AllowedValues]</c> becomes a literal choice set.</summary>
    internal static TypeShape WithStringChoices(MemberInfo member, TypeShape shape)
    {
        if (ConstraintReader.StringChoices(member, shape) is not { } choices)
        {
            return shape;
        }

        var literal = Literal(choices);
        return shape.IsNullable ? Nullable(literal) : literal;
    }

    private static Type? DictionaryValueType(Type type)
    {
        foreach (var candidate in new[] { type }.Concat(type.GetInterfaces()))
        {
            if (candidate.IsGenericType)
            {
                var definition = candidate.GetGenericTypeDefinition();
                if (definition == typeof(IDictionary<,>) || definition == typeof(IReadOnlyDictionary<,>))
                {
                    var args = candidate.GetGenericArguments();
                    if (args[0] != typeof(string))
                    {
                        throw new SignatureException($"Type '{type}' is a dictionary keyed by {args[0].Name}; only string keys can be written as JSON object keys.");
                    }

                    return args[1];
                }
            }
        }

        return null;
    }

    private static Type? EnumerableItemType(Type type)
    {
        if (type == typeof(string) || !typeof(IEnumerable).IsAssignableFrom(type))
        {
            return null;
        }

        foreach (var candidate in new[] { type }.Concat(type.GetInterfaces()))
        {
            if (candidate.IsGenericType && candidate.GetGenericTypeDefinition() == typeof(IEnumerable<>))
            {
                return candidate.GetGenericArguments()[0];
            }
        }

        throw new SignatureException($"Type '{type}' is a non-generic collection; use a typed one such as List<T> or T[].");
    }
}
