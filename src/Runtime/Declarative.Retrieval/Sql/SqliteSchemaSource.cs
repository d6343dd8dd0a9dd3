using Microsoft.Data.Sqlite;

namespace Declarative.Retrieval.Sql;

/// <summary>Reads tables, columns and keys from <c>sqlite_schema</c>, <c>pragma_table_info</c> and <c>pragma_foreign_key_list</c>.</summary>
internal sealed class SqliteSchemaSource(string path) : ISqlSchemaSource
{
    public async Task<SqlSchema> ReadSchemaAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = SqliteConnections.OpenReadOnly(path);
        var names = new List<string>();
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY rowid";
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                names.Add(reader.GetString(0));
            }
        }

        var tables = new List<SqlTable>(names.Count);
        foreach (var name in names)
        {
            tables.Add(new SqlTable(name, await ColumnsAsync(connection, name, cancellationToken).ConfigureAwait(false), await ForeignKeysAsync(connection, name, cancellationToken).ConfigureAwait(false)));
        }

        return new SqlSchema(tables.Select(t => t with { ForeignKeys = t.ForeignKeys.Select(k => Resolve(k, tables)).ToArray() }));
    }

    /// <summary>A key declared without parent columns (<c>REFERENCES parent</c>) refers to the parent's primary key.</summary>
    private static SqlForeignKey Resolve(SqlForeignKey key, List<SqlTable> tables)
    {
        if (key.ReferencedColumns.All(c => c.Length > 0))
        {
            return key;
        }

        var parent = tables.FirstOrDefault(t => string.Equals(t.Name, key.ReferencedTable, StringComparison.OrdinalIgnoreCase));
        return parent is { PrimaryKey.Count: > 0 } && parent.PrimaryKey.Count == key.Columns.Count ? key with { ReferencedColumns = parent.PrimaryKey } : key;
    }

    private static async Task<IReadOnlyList<SqlColumn>> ColumnsAsync(SqliteConnection connection, string table, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT name, type, \"notnull\", pk FROM pragma_table_info($table) ORDER BY cid";
        command.Parameters.AddWithValue("$table", table);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var columns = new List<SqlColumn>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            columns.Add(new SqlColumn(reader.GetString(0), reader.GetString(1), reader.GetInt64(2) != 0, reader.GetInt64(3) != 0));
        }

        return columns;
    }

    private static async Task<IReadOnlyList<SqlForeignKey>> ForeignKeysAsync(SqliteConnection connection, string table, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT id, \"table\", \"from\", \"to\" FROM pragma_foreign_key_list($table) ORDER BY id, seq";
        command.Parameters.AddWithValue("$table", table);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var keys = new List<(long Id, string Table, List<string> From, List<string> To)>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var id = reader.GetInt64(0);
            if (keys.Count == 0 || keys[^1].Id != id)
            {
                keys.Add((id, reader.GetString(1), [], []));
            }

            keys[^1].From.Add(reader.GetString(2));

            // "to" is NULL when the key refers to the parent's primary key implicitly.
            keys[^1].To.Add(reader.IsDBNull(3) ? string.Empty : reader.GetString(3));
        }

        return keys.Select(k => new SqlForeignKey(k.From, k.Table, k.To)).ToArray();
    }
}
