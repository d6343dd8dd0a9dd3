namespace Declarative.Retrieval.Sql;

/// <summary>One way to write a FROM clause: a first table, then joins that each follow one foreign key.</summary>
internal sealed class SqlJoinScope
{
    private SqlJoinScope(IReadOnlyList<SqlTable> tables, IReadOnlyList<(SqlTable Table, IReadOnlyList<(string Left, string Right)> On)> joins)
    {
        Tables = tables;
        Joins = joins;
    }

    /// <summary>The tables in the order they appear.</summary>
    public IReadOnlyList<SqlTable> Tables { get; }

    /// <summary>Each joined table with the column pairs of its ON clause (qualified references, already quoted).</summary>
    public IReadOnlyList<(SqlTable Table, IReadOnlyList<(string Left, string Right)> On)> Joins { get; }

    /// <summary>Every scope of up to <paramref name="maxJoins"/> joins along foreign keys, each table at most once.</summary>
    public static IReadOnlyList<SqlJoinScope> Enumerate(SqlSchema schema, int maxJoins, int maxScopes)
    {
        var edges = Edges(schema);
        var result = new List<SqlJoinScope>();
        var frontier = schema.Tables.Select(t => new SqlJoinScope([t], [])).ToList();
        for (var depth = 0; ; depth++)
        {
            result.AddRange(frontier);
            if (result.Count > maxScopes)
            {
                throw new ArgumentException(
                    $"The schema has more than {maxScopes} join chains of up to {depth} joins; lower SqlGrammarOptions.MaxJoins (now {maxJoins}) or raise MaxScopes.",
                    nameof(schema));
            }

            if (depth == maxJoins)
            {
                return result;
            }

            var next = new List<SqlJoinScope>();
            foreach (var scope in frontier)
            {
                foreach (var edge in edges)
                {
                    var inScope = scope.Tables.Contains(edge.From);
                    if (inScope && !scope.Tables.Contains(edge.To))
                    {
                        next.Add(new SqlJoinScope([.. scope.Tables, edge.To], [.. scope.Joins, (edge.To, edge.On)]));
                    }
                }
            }

            frontier = next;
        }
    }

    /// <summary>Foreign keys as join edges in both directions (a table joined to its parent, or a parent to its child).</summary>
    private static List<(SqlTable From, SqlTable To, IReadOnlyList<(string, string)> On)> Edges(SqlSchema schema)
    {
        var edges = new List<(SqlTable, SqlTable, IReadOnlyList<(string, string)>)>();
        foreach (var child in schema.Tables)
        {
            foreach (var key in child.ForeignKeys)
            {
                if (!schema.TryGetTable(key.ReferencedTable, out var parent) || parent == child)
                {
                    continue;
                }

                var referenced = key.ReferencedColumns.All(c => c.Length > 0) ? key.ReferencedColumns : parent.PrimaryKey;
                if (referenced.Count != key.Columns.Count || key.Columns.Any(c => child.FindColumn(c) is null) || referenced.Any(c => parent.FindColumn(c) is null))
                {
                    continue; // a key SQLite would reject at run time; no join is offered along it
                }

                var pairs = key.Columns.Zip(referenced, (c, p) => (Qualified(child, c), Qualified(parent, p))).ToArray();
                edges.Add((child, parent, pairs));
                edges.Add((parent, child, pairs.Select(p => (p.Item2, p.Item1)).ToArray()));
            }
        }

        return edges;
    }

    /// <summary>A column reference qualified by its table's name, both quoted as needed.</summary>
    public static string Qualified(SqlTable table, string column) =>
        SqlIdentifier.Quote(table.Name) + "." + SqlIdentifier.Quote(table.FindColumn(column)?.Name ?? column);
}
