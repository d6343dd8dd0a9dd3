namespace Declarative.Retrieval.Sql;

/// <summary>A column of a <see cref="SqlTable"/>.</summary>
/// <param name="Name">The column's name, exactly as the database spells it.</param>
/// <param name="DeclaredType">The declared type (<c>INTEGER</c>, <c>TEXT</c>…), or empty when none was declared.</param>
/// <param name="NotNull">Whether the column is declared <c>NOT NULL</c>.</param>
/// <param name="IsPrimaryKey">Whether the column is part of the primary key.</param>
public sealed record SqlColumn(string Name, string DeclaredType, bool NotNull, bool IsPrimaryKey);
