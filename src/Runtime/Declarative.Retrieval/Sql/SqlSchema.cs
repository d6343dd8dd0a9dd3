using System.Text;

namespace Declarative.Retrieval.Sql;

/// <summary>
/// A database schema as text-to-SQL needs it: the tables, their columns with declared types, primary keys and foreign
/// keys. Read from a live database by an <see cref="ISqlSchemaSource"/>; immutable.
/// </summary>
public sealed class SqlSchema
{
    private readonly Dictionary<string, SqlTable> byName;

    /// <summary>Creates a schema.</summary>
    /// <param name="tables">The tables, in the order to describe them.</param>
    /// <exception cref="ArgumentException">Two tables have the same name (compared case-insensitively, as SQL does).</exception>
    public SqlSchema(IEnumerable<SqlTable> tables)
    {
        ArgumentNullException.ThrowIfNull(tables);
        Tables = tables.ToArray();
        byName = new Dictionary<string, SqlTable>(StringComparer.OrdinalIgnoreCase);
        foreach (var table in Tables)
        {
            if (!byName.TryAdd(table.Name, table))
            {
                throw new ArgumentException($"The schema lists table '{table.Name}' twice; table names must be unique.", nameof(tables));
            }
        }
    }

    /// <summary>The tables.</summary>
    public IReadOnlyList<SqlTable> Tables { get; }

    /// <summary>Finds a table by name (case-insensitively).</summary>
    /// <param name="name">The table name.</param>
    /// <param name="table">The table, when found.</param>
    /// <returns>Whether it was found.</returns>
    public bool TryGetTable(string name, out SqlTable table) => byName.TryGetValue(name, out table!);

    /// <summary>
    /// The schema as <c>CREATE TABLE</c>-like text, one table per line with column types, primary and foreign keys:
    /// what a model is shown to write queries against.
    /// </summary>
    /// <returns>The description.</returns>
    public string Describe()
    {
        var sb = new StringBuilder();
        foreach (var table in Tables)
        {
            sb.Append("TABLE ").Append(SqlIdentifier.Quote(table.Name)).Append(" (");
            var singleKey = table.PrimaryKey.Count == 1;
            sb.AppendJoin(", ", table.Columns.Select(c =>
                SqlIdentifier.Quote(c.Name) + (c.DeclaredType.Length > 0 ? " " + c.DeclaredType : string.Empty)
                + (c.IsPrimaryKey && singleKey ? " PRIMARY KEY" : c.NotNull ? " NOT NULL" : string.Empty)));
            if (table.PrimaryKey.Count > 1)
            {
                sb.Append(", PRIMARY KEY (").AppendJoin(", ", table.PrimaryKey.Select(SqlIdentifier.Quote)).Append(')');
            }

            foreach (var key in table.ForeignKeys)
            {
                sb.Append(", FOREIGN KEY (").AppendJoin(", ", key.Columns.Select(SqlIdentifier.Quote))
                    .Append(") REFERENCES ").Append(SqlIdentifier.Quote(key.ReferencedTable))
                    .Append(" (").AppendJoin(", ", key.ReferencedColumns.Select(SqlIdentifier.Quote)).Append(')');
            }

            sb.Append(")\n");
        }

        return sb.ToString();
    }

    /// <inheritdoc />
    public override string ToString() => Describe();
}
