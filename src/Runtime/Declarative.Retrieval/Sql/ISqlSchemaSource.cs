namespace Declarative.Retrieval.Sql;

/// <summary>
/// Reads a database's schema. <see cref="SqlSchemaSource.Sqlite"/> reads SQLite through Microsoft.Data.Sqlite; other
/// providers implement this interface from their own catalog views.
/// </summary>
public interface ISqlSchemaSource
{
    /// <summary>Reads the schema: user tables (no internal <c>sqlite_</c> tables), columns, primary and foreign keys.</summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The schema.</returns>
    Task<SqlSchema> ReadSchemaAsync(CancellationToken cancellationToken = default);
}
