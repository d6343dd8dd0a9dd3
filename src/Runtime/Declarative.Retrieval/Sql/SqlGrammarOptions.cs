namespace Declarative.Retrieval.Sql;

/// <summary>Limits of the SELECT dialect <see cref="SqlGrammar"/> builds; validated when a grammar is built.</summary>
public sealed class SqlGrammarOptions
{
    /// <summary>The options used when none are given.</summary>
    public static SqlGrammarOptions Default { get; } = new();

    /// <summary>
    /// The most joins in one query (default 2, at most 4). Joins follow declared foreign keys; each distinct chain of
    /// tables is one branch of the grammar, so the grammar grows with this number and the number of foreign keys.
    /// </summary>
    public int MaxJoins { get; init; } = 2;

    /// <summary>The most items in a select list (default 8).</summary>
    public int MaxSelectItems { get; init; } = 8;

    /// <summary>The most join chains (branches) the grammar may hold (default 256); a larger schema must lower <see cref="MaxJoins"/>.</summary>
    public int MaxScopes { get; init; } = 256;

    /// <summary>Checks the values.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of its range.</exception>
    internal void Validate()
    {
        if (MaxJoins is < 0 or > 4)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxJoins), MaxJoins, "SqlGrammarOptions.MaxJoins must be between 0 and 4.");
        }

        if (MaxSelectItems < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxSelectItems), MaxSelectItems, "SqlGrammarOptions.MaxSelectItems must be at least 1.");
        }

        if (MaxScopes < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxScopes), MaxScopes, "SqlGrammarOptions.MaxScopes must be at least 1.");
        }
    }
}
