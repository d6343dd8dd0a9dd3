namespace Declarative;

/// <summary>The kinds of value a <see cref="TypeShape"/> describes.</summary>
public enum TypeKind
{
    /// <summary>Text.</summary>
    String,

    /// <summary>True or false.</summary>
    Boolean,

    /// <summary>A whole number (any of the CLR integer types).</summary>
    Integer,

    /// <summary>A binary floating-point number (<see cref="float"/>, <see cref="double"/>, <c>Half</c>).</summary>
    Number,

    /// <summary>A <see cref="decimal"/> number.</summary>
    Decimal,

    /// <summary>One member of a CLR enum.</summary>
    Enum,

    /// <summary>One of a fixed set of strings (DSPy's <c>Literal[...]</c>, or <c>[AllowedValues]</c> on a string).</summary>
    Literal,

    /// <summary>A date and time (ISO 8601).</summary>
    DateTime,

    /// <summary>A calendar date (ISO 8601).</summary>
    DateOnly,

    /// <summary>A time of day (ISO 8601).</summary>
    TimeOnly,

    /// <summary>A UUID.</summary>
    Guid,

    /// <summary>A value of <see cref="TypeShape.Element"/> or null.</summary>
    Nullable,

    /// <summary>An ordered collection of <see cref="TypeShape.Element"/> (arrays, lists, sets).</summary>
    List,

    /// <summary>A string-keyed map to <see cref="TypeShape.Element"/>.</summary>
    Dictionary,

    /// <summary>A record or class with named <see cref="TypeShape.Properties"/>.</summary>
    Object,
}
