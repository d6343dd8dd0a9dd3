namespace Declarative.Retrieval.Sql;

/// <summary>What <see cref="SqlChecker"/> allows; validated when the checker is built.</summary>
public sealed class SqlCheckerOptions
{
    /// <summary>The most rows a query returns (default 100); more are cut and the result says <see cref="SqlQueryResult.Truncated"/>.</summary>
    public int MaxRows { get; init; } = 100;

    /// <summary>How long a query may run before it is interrupted (default 5 seconds).</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>The tables a query may read (case-insensitive), or <see langword="null"/> (the default) for every user table of the database.</summary>
    public IReadOnlyCollection<string>? AllowedTables { get; init; }

    /// <summary>
    /// The functions a query may call (case-insensitive); default the aggregates and scalar functions of
    /// <see cref="SqlGrammar"/> and <c>like</c> (the LIKE operator).
    /// </summary>
    public IReadOnlyCollection<string> AllowedFunctions { get; init; } =
        [.. SqlGrammar.AggregateFunctions, .. SqlGrammar.ScalarFunctions, "LIKE"];

    /// <summary>The clock of the timeout (default <see cref="TimeProvider.System"/>).</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Checks the values.</summary>
    internal void Validate()
    {
        if (MaxRows < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxRows), MaxRows, "SqlCheckerOptions.MaxRows must be at least 1.");
        }

        if (Timeout <= TimeSpan.Zero && Timeout != System.Threading.Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(nameof(Timeout), Timeout, "SqlCheckerOptions.Timeout must be positive (or Timeout.InfiniteTimeSpan).");
        }

        ArgumentNullException.ThrowIfNull(AllowedFunctions);
        ArgumentNullException.ThrowIfNull(TimeProvider);
    }
}
