using Microsoft.Data.Sqlite;

namespace Declarative.Retrieval.Sql;

/// <summary>
/// A small shop database for trying text-to-SQL: <c>customers</c>, <c>products</c>, <c>orders</c> and
/// <c>order_items</c> (whose <c>"unit price"</c> column needs quoting), related by foreign keys, created from the
/// script <c>SampleShop.sql</c> embedded in this assembly.
/// </summary>
public static class SqlSampleDatabase
{
    /// <summary>The script that creates and fills the database.</summary>
    public static string Script { get; } = ReadScript();

    /// <summary>Creates the database at <paramref name="path"/>.</summary>
    /// <param name="path">The file to create.</param>
    /// <exception cref="IOException">The file already exists (delete it first, or pick another path).</exception>
    public static void Create(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (File.Exists(path))
        {
            throw new IOException($"'{path}' already exists; the sample database is only created in a new file, so delete it or pick another path.");
        }

        var builder = new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = false };
        using var connection = new SqliteConnection(builder.ToString());
        connection.Open();
        using var transaction = connection.BeginTransaction();
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = Script;
        command.ExecuteNonQuery();
        transaction.Commit();
    }

    private static string ReadScript()
    {
        using var stream = typeof(SqlSampleDatabase).Assembly.GetManifestResourceStream("Declarative.Retrieval.Sql.SampleShop.sql")
            ?? throw new InvalidOperationException("The embedded resource SampleShop.sql is missing from Declarative.Retrieval; rebuild the assembly.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
