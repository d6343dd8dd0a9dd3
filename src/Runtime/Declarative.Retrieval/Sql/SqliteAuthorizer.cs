using SQLitePCL;

namespace Declarative.Retrieval.Sql;

/// <summary>
/// An SQLite authorizer (<c>sqlite3_set_authorizer</c>) that lets a statement do nothing but SELECT, read the allowed
/// tables of the main database and call the allowed functions; it remembers the first thing it refused.
/// </summary>
internal sealed class SqliteAuthorizer
{
    private const int Ok = 0;
    private const int Deny = 1;
    private const int ActionRead = 20;
    private const int ActionSelect = 21;
    private const int ActionFunction = 31;
    private const int ActionRecursive = 33;

    private static readonly string[] ActionNames =
    [
        "COPY", "CREATE INDEX", "CREATE TABLE", "CREATE TEMP INDEX", "CREATE TEMP TABLE", "CREATE TEMP TRIGGER", "CREATE TEMP VIEW",
        "CREATE TRIGGER", "CREATE VIEW", "DELETE", "DROP INDEX", "DROP TABLE", "DROP TEMP INDEX", "DROP TEMP TABLE",
        "DROP TEMP TRIGGER", "DROP TEMP VIEW", "DROP TRIGGER", "DROP VIEW", "INSERT", "PRAGMA", "READ", "SELECT", "TRANSACTION",
        "UPDATE", "ATTACH", "DETACH", "ALTER TABLE", "REINDEX", "ANALYZE", "CREATE VIRTUAL TABLE", "DROP VIRTUAL TABLE",
        "FUNCTION", "SAVEPOINT", "RECURSIVE",
    ];

    private readonly HashSet<string> tables;
    private readonly HashSet<string> functions;

    public SqliteAuthorizer(IEnumerable<string> tables, IEnumerable<string> functions)
    {
        this.tables = new HashSet<string>(tables, StringComparer.OrdinalIgnoreCase);
        this.functions = new HashSet<string>(functions, StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>Whether the statement authorised so far began as a SELECT.</summary>
    public bool SawSelect { get; private set; }

    /// <summary>The first refusal, or <see langword="null"/>.</summary>
    public SqlCheckResult? Refusal { get; private set; }

    public void Install(sqlite3 db) => raw.sqlite3_set_authorizer(db, Authorize, null);

    public static void Remove(sqlite3 db) => raw.sqlite3_set_authorizer(db, (strdelegate_authorizer?)null, null);

    /// <summary>Forgets what the last statement did.</summary>
    public void Reset()
    {
        SawSelect = false;
        Refusal = null;
    }

    private int Authorize(object userData, int action, string? first, string? second, string? database, string? view)
    {
        switch (action)
        {
            case ActionSelect:
                SawSelect = true;
                return Ok;
            case ActionRead when first is not null && tables.Contains(first) && database is null or "main":
                return Ok;
            case ActionRead:
                return Refuse(SqlBlockKind.Denied, $"The statement reads table '{first}'{(database is null or "main" ? string.Empty : " of database '" + database + "'")}, which is not an allowed table (allowed: {string.Join(", ", tables.Order(StringComparer.Ordinal))}).");
            case ActionFunction when second is not null && functions.Contains(second):
                return Ok;
            case ActionFunction:
                return Refuse(SqlBlockKind.Denied, $"The statement calls function '{second}', which is not allowed (allowed: {string.Join(", ", functions.Order(StringComparer.Ordinal))}).");
            case ActionRecursive:
                return Refuse(SqlBlockKind.Denied, "The statement uses a recursive common table expression, which is not allowed.");
            default:
                var name = action >= 0 && action < ActionNames.Length ? ActionNames[action] : "action " + action;
                return Refuse(SqlBlockKind.NotReadOnly, $"The statement does {name}{(first is null ? string.Empty : " on '" + first + "'")}; only a read-only SELECT may run.");
        }
    }

    private int Refuse(SqlBlockKind kind, string reason)
    {
        Refusal ??= new SqlCheckResult(kind, reason);
        return Deny;
    }
}
