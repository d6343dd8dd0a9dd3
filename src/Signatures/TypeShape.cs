using System.Text;

namespace Declarative;

/// <summary>
/// The shape of a field's value: what kind of value it is and, for composite kinds, what it contains.
/// Shapes are immutable values compared structurally (the CLR type is not part of equality, so a typed
/// signature and its string form compare equal).
/// </summary>
public sealed partial class TypeShape : IEquatable<TypeShape>
{
    private string? displayName;

    private TypeShape(TypeKind kind, Type? clrType, string name, TypeShape? element = null,
        IReadOnlyList<PropertyShape>? properties = null, IReadOnlyList<string>? choices = null)
    {
        Kind = kind;
        ClrType = clrType;
        Name = name;
        Element = element;
        Properties = properties ?? [];
        Choices = choices ?? [];
    }

    /// <summary>Text (<see cref="string"/>).</summary>
    public static TypeShape String { get; } = new(TypeKind.String, typeof(string), "str");

    /// <summary>True or false (<see cref="bool"/>).</summary>
    public static TypeShape Boolean { get; } = new(TypeKind.Boolean, typeof(bool), "bool");

    /// <summary>A whole number, held as <see cref="long"/> when no CLR type is given.</summary>
    public static TypeShape Integer { get; } = new(TypeKind.Integer, typeof(long), "int");

    /// <summary>A floating-point number (<see cref="double"/>).</summary>
    public static TypeShape Number { get; } = new(TypeKind.Number, typeof(double), "float");

    /// <summary>The kind of value.</summary>
    public TypeKind Kind { get; }

    /// <summary>The CLR type values of this shape are read into, or <see langword="null"/> when untyped.</summary>
    public Type? ClrType { get; }

    /// <summary>The type's own name: a primitive's Python name (<c>str</c>, <c>int</c>), or an enum's or record's name.</summary>
    public string Name { get; }

    /// <summary>The wrapped shape of a <see cref="TypeKind.Nullable"/>, the item of a <see cref="TypeKind.List"/>, the value of a <see cref="TypeKind.Dictionary"/>.</summary>
    public TypeShape? Element { get; }

    /// <summary>The properties of a <see cref="TypeKind.Object"/>, in declaration order.</summary>
    public IReadOnlyList<PropertyShape> Properties { get; private set; }

    /// <summary>The allowed values of an <see cref="TypeKind.Enum"/> or <see cref="TypeKind.Literal"/>.</summary>
    public IReadOnlyList<string> Choices { get; }

    /// <summary>Whether the value may be null.</summary>
    public bool IsNullable => Kind == TypeKind.Nullable;

    /// <summary>
    /// The type as DSPy names it in prompts (Python's annotation spelling): <c>str</c>, <c>int</c>,
    /// <c>list[str]</c>, <c>dict[str, int]</c>, <c>Literal['a', 'b']</c>, <c>Union[int, NoneType]</c>, a record's name.
    /// </summary>
    public string DisplayName => displayName ??= BuildDisplayName();

    /// <summary>A shape for a CLR scalar type of the given kind.</summary>
    /// <param name="kind">A scalar kind.</param>
    /// <param name="clrType">The CLR type; <see langword="null"/> for the default one.</param>
    /// <returns>The shape.</returns>
    public static TypeShape Scalar(TypeKind kind, Type? clrType = null) => kind switch
    {
        TypeKind.String => clrType is null || clrType == typeof(string) ? String : new(kind, clrType, "str"),
        TypeKind.Boolean => Boolean,
        TypeKind.Integer => clrType is null || clrType == typeof(long) ? Integer : new(kind, clrType, "int"),
        TypeKind.Number => clrType is null || clrType == typeof(double) ? Number : new(kind, clrType, "float"),
        TypeKind.Decimal => new(kind, typeof(decimal), "float"),
        TypeKind.DateTime => new(kind, clrType ?? typeof(DateTime), "datetime"),
#if NET
        TypeKind.DateOnly => new(kind, typeof(DateOnly), "date"),
        TypeKind.TimeOnly => new(kind, typeof(TimeOnly), "time"),
#else
        TypeKind.DateOnly => new(kind, clrType, "date"),
        TypeKind.TimeOnly => new(kind, clrType, "time"),
#endif
        TypeKind.Guid => new(kind, typeof(Guid), "UUID"),
        _ => throw new ArgumentException($"{kind} is not a scalar kind; use the factory method for it.", nameof(kind)),
    };

    /// <summary>A nullable wrapper around <paramref name="element"/>.</summary>
    /// <param name="element">The non-null shape.</param>
    /// <param name="clrType">The CLR type (for example <c>int?</c>); defaults to the element's.</param>
    /// <returns>The shape.</returns>
    public static TypeShape Nullable(TypeShape element, Type? clrType = null)
    {
        ArgumentNullException.ThrowIfNull(element);
        return element.IsNullable ? element : new(TypeKind.Nullable, clrType ?? element.ClrType, element.Name, element);
    }

    /// <summary>A list of <paramref name="element"/>.</summary>
    /// <param name="element">The item shape.</param>
    /// <param name="clrType">The CLR collection type; <see langword="null"/> for a <c>List&lt;T&gt;</c>.</param>
    /// <returns>The shape.</returns>
    public static TypeShape List(TypeShape element, Type? clrType = null)
    {
        ArgumentNullException.ThrowIfNull(element);
        return new(TypeKind.List, clrType, "list", element);
    }

    /// <summary>A string-keyed dictionary of <paramref name="value"/>.</summary>
    /// <param name="value">The value shape.</param>
    /// <param name="clrType">The CLR dictionary type; <see langword="null"/> for a <c>Dictionary&lt;string, T&gt;</c>.</param>
    /// <returns>The shape.</returns>
    public static TypeShape Dictionary(TypeShape value, Type? clrType = null)
    {
        ArgumentNullException.ThrowIfNull(value);
        return new(TypeKind.Dictionary, clrType, "dict", value);
    }

    /// <summary>A literal choice set (DSPy's <c>Literal['a', 'b']</c>).</summary>
    /// <param name="choices">The allowed strings, at least one.</param>
    /// <returns>The shape.</returns>
    public static TypeShape Literal(IEnumerable<string> choices)
    {
        var list = choices?.ToArray() ?? throw new ArgumentNullException(nameof(choices));
        if (list.Length == 0)
        {
            throw new ArgumentException("A literal needs at least one allowed value.", nameof(choices));
        }

        return new(TypeKind.Literal, typeof(string), "Literal", choices: list);
    }

    /// <summary>An enum with the given member values.</summary>
    /// <param name="name">The enum's name.</param>
    /// <param name="members">The member values the model writes.</param>
    /// <param name="clrType">The CLR enum type, if any.</param>
    /// <returns>The shape.</returns>
    public static TypeShape Enum(string name, IEnumerable<string> members, Type? clrType = null) =>
        new(TypeKind.Enum, clrType, name, choices: members.ToArray());

    /// <summary>A record or class with named properties.</summary>
    /// <param name="name">The type's name.</param>
    /// <param name="properties">The properties in order.</param>
    /// <param name="clrType">The CLR type, if any.</param>
    /// <returns>The shape.</returns>
    public static TypeShape Object(string name, IEnumerable<PropertyShape> properties, Type? clrType = null) =>
        new(TypeKind.Object, clrType, name, properties: properties.ToArray());

    /// <summary>An object shape whose properties are set later (for recursive types).</summary>
    internal static TypeShape PendingObject(string name, Type clrType) => new(TypeKind.Object, clrType, name);

    internal void CompleteObject(IReadOnlyList<PropertyShape> properties) => Properties = properties;

    /// <summary>The shape with nullability removed.</summary>
    public TypeShape NonNullable => IsNullable ? Element! : this;

    /// <inheritdoc />
    public bool Equals(TypeShape? other) => Equals(other, depth: 0);

    private bool Equals(TypeShape? other, int depth)
    {
        if (ReferenceEquals(this, other))
        {
            return true;
        }

        if (other is null || Kind != other.Kind || Name != other.Name || !Choices.SequenceEqual(other.Choices))
        {
            return false;
        }

        if (depth > 32)
        {
            return true; // recursive shapes: equal so far, and the same names all the way down
        }

        if ((Element is null) != (other.Element is null) || (Element is not null && !Element.Equals(other.Element, depth + 1)))
        {
            return false;
        }

        if (Properties.Count != other.Properties.Count)
        {
            return false;
        }

        for (var i = 0; i < Properties.Count; i++)
        {
            var a = Properties[i];
            var b = other.Properties[i];
            if (a.Name != b.Name || a.Description != b.Description || a.IsRequired != b.IsRequired
                || !a.Constraints.Equals(b.Constraints) || !a.Shape.Equals(b.Shape, depth + 1))
            {
                return false;
            }
        }

        return true;
    }

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is TypeShape other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Kind, Name, Element?.Kind, Properties.Count, Choices.Count);

    /// <inheritdoc />
    public override string ToString() => DisplayName;

    private string BuildDisplayName()
    {
        switch (Kind)
        {
            case TypeKind.Nullable:
                return $"Union[{Element!.DisplayName}, NoneType]";
            case TypeKind.List:
                return $"list[{Element!.DisplayName}]";
            case TypeKind.Dictionary:
                return $"dict[str, {Element!.DisplayName}]";
            case TypeKind.Literal:
                var sb = new StringBuilder("Literal[");
                for (var i = 0; i < Choices.Count; i++)
                {
                    if (i > 0)
                    {
                        sb.Append(", ");
                    }

                    sb.Append(QuoteLiteral(Choices[i]));
                }

                return sb.Append(']').ToString();
            default:
                return Name;
        }
    }

    /// <summary>Quotes a literal choice as Python's <c>repr</c> does.</summary>
    private static string QuoteLiteral(string s)
    {
        var hasSingle = s.Contains('\'');
        var hasDouble = s.Contains('"');
        if (hasSingle && !hasDouble)
        {
            return "\"" + s + "\"";
        }

        if (hasSingle)
        {
            return "'" + s.Replace("\\", "\\\\").Replace("'", "\\'") + "'";
        }

        return "'" + s + "'";
    }
}
