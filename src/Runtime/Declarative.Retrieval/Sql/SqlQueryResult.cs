namespace Declarative.Retrieval.Sql;

/// <summary>The rows a checked query returned.</summary>
/// <param name="Columns">The result columns' names.</param>
/// <param name="Rows">The rows, each a value per column: <see cref="long"/>, <see cref="double"/>, <see cref="string"/>, <see cref="byte"/>[] or <see langword="null"/>.</param>
/// <param name="Truncated">Whether the query had more rows than <see cref="SqlCheckerOptions.MaxRows"/> and only the first ones are here.</param>
public sealed record SqlQueryResult(IReadOnlyList<string> Columns, IReadOnlyList<IReadOnlyList<object?>> Rows, bool Truncated);
