using Declarative.Decoding;
using Declarative.Grammars;
using Declarative.Retrieval.Sql;

namespace Declarative.Retrieval.Tests.Sql;

/// <summary>The sample shop database in a temporary file, its schema, grammar (compiled) and checker, built once per test class.</summary>
public sealed class SampleDatabaseFixture : IDisposable
{
    public SampleDatabaseFixture()
    {
        Folder = Directory.CreateTempSubdirectory("declarative-sql-").FullName;
        Path = System.IO.Path.Combine(Folder, "shop.db");
        SqlSampleDatabase.Create(Path);
        Schema = SqlSchemaSource.Sqlite(Path).ReadSchemaAsync().GetAwaiter().GetResult();
        Grammar = SqlGrammar.Build(Schema);
        Compiled = CompiledGrammar.Compile(Grammar);
        Checker = SqlChecker.ForSqlite(Path);
    }

    public string Folder { get; }

    public string Path { get; }

    public SqlSchema Schema { get; }

    public Grammar Grammar { get; }

    public CompiledGrammar Compiled { get; }

    public SqlChecker Checker { get; }

    public bool GrammarAccepts(string sql) => GrammarMatcher.Matches(Compiled, System.Text.Encoding.UTF8.GetBytes(sql));

    public void Dispose() => Directory.Delete(Folder, recursive: true);
}
