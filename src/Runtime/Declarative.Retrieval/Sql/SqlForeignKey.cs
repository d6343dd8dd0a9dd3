namespace Declarative.Retrieval.Sql;

/// <summary>A foreign key: columns of one table referring to columns of another.</summary>
/// <param name="Columns">The referring columns of the declaring table.</param>
/// <param name="ReferencedTable">The referenced table.</param>
/// <param name="ReferencedColumns">The referenced columns, in the same order as <paramref name="Columns"/>.</param>
public sealed record SqlForeignKey(IReadOnlyList<string> Columns, string ReferencedTable, IReadOnlyList<string> ReferencedColumns);
