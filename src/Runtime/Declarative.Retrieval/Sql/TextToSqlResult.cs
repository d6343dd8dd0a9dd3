namespace Declarative.Retrieval.Sql;

/// <summary>What <see cref="TextToSql"/> produced for a question.</summary>
/// <param name="Sql">The query the model wrote (as checked and run).</param>
/// <param name="Rows">The rows it returned.</param>
/// <param name="Answer">The answer the model gave from the rows.</param>
public sealed record TextToSqlResult(string Sql, SqlQueryResult Rows, string Answer);
