using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Declarative.Retrieval.Sql;

/// <summary>
/// Checks and runs SQL for backends that cannot constrain decoding: one statement only (SQLite's own prepare tail),
/// a read-only connection (<c>Mode=ReadOnly</c>), an authorizer that allows nothing but a SELECT reading the allowed
/// tables and calling the allowed functions, a row limit and a timeout. DDL, DML, PRAGMA, ATTACH, DETACH, VACUUM,
/// transactions, multiple statements and unknown tables, columns or functions are blocked.
/// </summary>
/// <remarks>Each call opens its own connection; a checker is immutable and may be shared.</remarks>
public sealed class SqlChecker
{
    private const int SqliteInterrupt = 9;

    private readonly string path;

    private SqlChecker(string path, SqlCheckerOptions options)
    {
        this.path = path;
        Options = options;
    }

    /// <summary>The options.</summary>
    public SqlCheckerOptions Options { get; }

    /// <summary>A checker for a SQLite database file.</summary>
    /// <param name="path">The database file, which must exist.</param>
    /// <param name="options">What is allowed (default <see cref="SqlCheckerOptions"/>'s defaults).</param>
    /// <returns>The checker.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public static SqlChecker ForSqlite(string path, SqlCheckerOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        options ??= new SqlCheckerOptions();
        options.Validate();
        return new SqlChecker(path, options);
    }

    /// <summary>Whether a statement may run, without running it.</summary>
    /// <param name="sql">The statement.</param>
    /// <returns>Allowed, or blocked with a reason.</returns>
    /// <exception cref="FileNotFoundException">The database file does not exist.</exception>
    public SqlCheckResult Check(string sql)
    {
        ArgumentNullException.ThrowIfNull(sql);
        using var connection = SqliteConnections.OpenReadOnly(path);
        var (statement, result) = Prepare(connection, sql);
        statement?.Dispose();
        return result;
    }

    /// <summary>Checks a statement and, when it is allowed, runs it: at most <see cref="SqlCheckerOptions.MaxRows"/> rows, within <see cref="SqlCheckerOptions.Timeout"/>.</summary>
    /// <param name="sql">The statement.</param>
    /// <param name="cancellationToken">Interrupts the query.</param>
    /// <returns>The rows.</returns>
    /// <exception cref="SqlBlockedException">The checker blocked the statement.</exception>
    /// <exception cref="TimeoutException">The query ran longer than the timeout.</exception>
    /// <exception cref="SqliteException">SQLite failed while running the query.</exception>
    public Task<SqlQueryResult> ExecuteAsync(string sql, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sql);
        return Task.Run(() => Execute(sql, cancellationToken), cancellationToken);
    }

    private SqlQueryResult Execute(string sql, CancellationToken cancellationToken)
    {
        using var connection = SqliteConnections.OpenReadOnly(path);
        var (statement, result) = Prepare(connection, sql);
        if (statement is null)
        {
            throw new SqlBlockedException(sql, result);
        }

        using var stmt = statement;
        using var deadline = Options.Timeout == Timeout.InfiniteTimeSpan ? new CancellationTokenSource() : new CancellationTokenSource(Options.Timeout, Options.TimeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token, cancellationToken);
        var token = linked.Token;
        raw.sqlite3_progress_handler(connection.Handle, 1000, _ => token.IsCancellationRequested ? 1 : 0, null);
        try
        {
            var count = raw.sqlite3_column_count(stmt);
            var columns = Enumerable.Range(0, count).Select(i => raw.sqlite3_column_name(stmt, i).utf8_to_string()).ToArray();
            var rows = new List<IReadOnlyList<object?>>();
            while (true)
            {
                var rc = raw.sqlite3_step(stmt);
                if (rc == raw.SQLITE_DONE)
                {
                    return new SqlQueryResult(columns, rows, Truncated: false);
                }

                if (rc != raw.SQLITE_ROW)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    if (rc == SqliteInterrupt)
                    {
                        throw new TimeoutException($"The query ran longer than {Options.Timeout.TotalSeconds:0.###} s and was interrupted; narrow it (WHERE, fewer joins) or raise SqlCheckerOptions.Timeout.");
                    }

                    throw new SqliteException(raw.sqlite3_errmsg(connection.Handle).utf8_to_string(), rc);
                }

                if (rows.Count == Options.MaxRows)
                {
                    return new SqlQueryResult(columns, rows, Truncated: true);
                }

                rows.Add(ReadRow(stmt, count));
            }
        }
        finally
        {
            raw.sqlite3_progress_handler(connection.Handle, 0, null, null);
        }
    }

    private static object?[] ReadRow(sqlite3_stmt stmt, int count)
    {
        var row = new object?[count];
        for (var i = 0; i < count; i++)
        {
            row[i] = raw.sqlite3_column_type(stmt, i) switch
            {
                raw.SQLITE_INTEGER => raw.sqlite3_column_int64(stmt, i),
                raw.SQLITE_FLOAT => raw.sqlite3_column_double(stmt, i),
                raw.SQLITE_TEXT => raw.sqlite3_column_text(stmt, i).utf8_to_string(),
                raw.SQLITE_BLOB => raw.sqlite3_column_blob(stmt, i).ToArray(),
                _ => null,
            };
        }

        return row;
    }

    /// <summary>Prepares the first statement under the authorizer; returns it only when every check passed.</summary>
    private (sqlite3_stmt? Statement, SqlCheckResult Result) Prepare(SqliteConnection connection, string sql)
    {
        var db = connection.Handle!;
        var authorizer = new SqliteAuthorizer(Options.AllowedTables ?? UserTables(connection), Options.AllowedFunctions);
        authorizer.Install(db);
        try
        {
            var rc = raw.sqlite3_prepare_v2(db, sql, out var stmt, out var tail);
            if (rc != raw.SQLITE_OK)
            {
                stmt?.Dispose();
                return (null, authorizer.Refusal ?? new SqlCheckResult(SqlBlockKind.Invalid, $"SQLite cannot prepare the statement: {raw.sqlite3_errmsg(db).utf8_to_string()}."));
            }

            var blocked = Verdict(db, stmt, tail, authorizer);
            if (blocked is not null)
            {
                stmt.Dispose();
                return (null, blocked);
            }

            return (stmt, SqlCheckResult.Allowed);
        }
        finally
        {
            SqliteAuthorizer.Remove(db);
        }
    }

    private static SqlCheckResult? Verdict(sqlite3 db, sqlite3_stmt stmt, string? tail, SqliteAuthorizer authorizer)
    {
        if (stmt is null || stmt.IsInvalid)
        {
            return new SqlCheckResult(SqlBlockKind.Empty, "The text holds no SQL statement (it is empty or only comments).");
        }

        var sawSelect = authorizer.SawSelect;
        if (!string.IsNullOrWhiteSpace(tail))
        {
            // Whatever follows the first statement must be nothing but whitespace and comments.
            authorizer.Reset();
            var rc = raw.sqlite3_prepare_v2(db, tail, out var next, out _);
            var more = rc != raw.SQLITE_OK || (next is not null && !next.IsInvalid);
            next?.Dispose();
            if (more)
            {
                return new SqlCheckResult(SqlBlockKind.MultipleStatements, "The text holds more than one SQL statement; send exactly one SELECT.");
            }
        }

        if (raw.sqlite3_stmt_isexplain(stmt) != 0)
        {
            return new SqlCheckResult(SqlBlockKind.NotReadOnly, "The statement is an EXPLAIN; only a plain SELECT may run.");
        }

        if (raw.sqlite3_stmt_readonly(stmt) == 0 || !sawSelect)
        {
            return new SqlCheckResult(SqlBlockKind.NotReadOnly, "The statement is not a read-only SELECT; only a read-only SELECT may run.");
        }

        return null;
    }

    private static List<string> UserTables(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'";
        using var reader = command.ExecuteReader();
        var names = new List<string>();
        while (reader.Read())
        {
            names.Add(reader.GetString(0));
        }

        return names;
    }
}
