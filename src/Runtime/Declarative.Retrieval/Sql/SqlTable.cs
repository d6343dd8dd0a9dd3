namespace Declarative.Retrieval.Sql;

/// <summary>A table of a <see cref="SqlSchema"/>.</summary>
/// <param name="Name">The table's name, exactly as the database spells it.</param>
/// <param name="Columns">The columns in declaration order.</param>
/// <param name="ForeignKeys">The foreign keys declared on the table.</param>
public sealed record SqlTable(string Name, IReadOnlyList<SqlColumn> Columns, IReadOnlyList<SqlForeignKey> ForeignKeys)
{
    /// <summary>The primary key's columns, in key order (empty when the table declares none).</summary>
    public IReadOnlyList<string> PrimaryKey => Columns.Where(c => c.IsPrimaryKey).Select(c => c.Name).ToArray();

    /// <summary>Finds a column by name (case-insensitively, as SQL does).</summary>
    /// <param name="name">The column name.</param>
    /// <returns>The column, or <see langword="null"/>.</returns>
    public SqlColumn? FindColumn(string name) => Columns.FirstOrDefault(c => string.Equals(c.Name, name, StringComparison.OrdinalIgnoreCase));
}
