namespace Declarative.Retrieval.Sql;

/// <summary>Schema sources for the databases this library reads.</summary>
public static class SqlSchemaSource
{
    /// <summary>Reads a SQLite database's schema through Microsoft.Data.Sqlite (opened read-only).</summary>
    /// <param name="path">The database file, which must exist.</param>
    /// <returns>The source; each <see cref="ISqlSchemaSource.ReadSchemaAsync"/> reads the live schema again.</returns>
    public static ISqlSchemaSource Sqlite(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return new SqliteSchemaSource(path);
    }
}
