namespace Declarative.Retrieval.Sql;

/// <summary>Thrown when a statement the checker blocked was asked to run; <see cref="Result"/> says why.</summary>
public sealed class SqlBlockedException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="sql">The statement.</param>
    /// <param name="result">The checker's verdict.</param>
    public SqlBlockedException(string sql, SqlCheckResult result)
        : base($"The SQL statement was blocked ({result.Kind}): {result.Reason} Only one read-only SELECT over the allowed tables may run: {sql}")
    {
        Sql = sql;
        Result = result;
    }

    /// <summary>The statement that was blocked.</summary>
    public string Sql { get; }

    /// <summary>Why it was blocked.</summary>
    public SqlCheckResult Result { get; }
}
