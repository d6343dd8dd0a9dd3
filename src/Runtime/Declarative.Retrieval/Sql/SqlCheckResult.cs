namespace Declarative.Retrieval.Sql;

/// <summary>Why <see cref="SqlChecker"/> blocked a statement.</summary>
public enum SqlBlockKind
{
    /// <summary>Nothing was blocked.</summary>
    None,

    /// <summary>The text holds no statement (empty, or only comments).</summary>
    Empty,

    /// <summary>The text holds more than one statement.</summary>
    MultipleStatements,

    /// <summary>The statement is not a plain SELECT (DDL, DML, PRAGMA, ATTACH, EXPLAIN, VACUUM, a transaction…).</summary>
    NotReadOnly,

    /// <summary>The authorizer refused something the statement does: read a table not allowed, call a function not allowed, a PRAGMA, an ATTACH….</summary>
    Denied,

    /// <summary>SQLite could not prepare the statement: a syntax error, an unknown table, column or function.</summary>
    Invalid,
}

/// <summary>The outcome of <see cref="SqlChecker.Check"/>: allowed, or blocked with a reason.</summary>
/// <param name="Kind">Why it was blocked, or <see cref="SqlBlockKind.None"/>.</param>
/// <param name="Reason">A sentence saying what was refused, or <see langword="null"/> when allowed.</param>
public sealed record SqlCheckResult(SqlBlockKind Kind, string? Reason)
{
    /// <summary>The result of an allowed statement.</summary>
    public static SqlCheckResult Allowed { get; } = new(SqlBlockKind.None, null);

    /// <summary>Whether the statement may run.</summary>
    public bool IsAllowed => Kind == SqlBlockKind.None;

    /// <inheritdoc />
    public override string ToString() => IsAllowed ? "allowed" : $"blocked ({Kind}): {Reason}";
}
