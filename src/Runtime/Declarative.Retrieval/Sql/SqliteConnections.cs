using Microsoft.Data.Sqlite;

namespace Declarative.Retrieval.Sql;

/// <summary>Opens SQLite databases the way text-to-SQL reads them: read-only, unpooled, the file required to exist.</summary>
internal static class SqliteConnections
{
    public static SqliteConnection OpenReadOnly(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"The SQLite database '{path}' does not exist; pass the path of an existing database file.", path);
        }

        var builder = new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false };
        var connection = new SqliteConnection(builder.ToString());
        try
        {
            connection.Open();
        }
        catch
        {
            connection.Dispose();
            throw;
        }

        return connection;
    }
}
