using System.Text.Json.Nodes;
using Declarative.Decoding;
using Declarative.Grammars;
using Declarative.Retrieval.Sql;

namespace Declarative.Cli.Tests;

public class SqlCommandTests(TinyModelFile model) : IClassFixture<TinyModelFile>, IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("declarative-sql-cli-").FullName;
    private readonly string db = CreateDatabase();

    private static string CreateDatabase()
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("declarative-sql-cli-db-").FullName, "shop.db");
        SqlSampleDatabase.Create(path);
        return path;
    }

    public void Dispose()
    {
        Directory.Delete(folder, recursive: true);
        Directory.Delete(Path.GetDirectoryName(db)!, recursive: true);
    }

    private string Answers(params string[] lines)
    {
        var path = Path.Combine(folder, $"answers-{Guid.NewGuid():N}.jsonl");
        File.WriteAllLines(path, lines);
        return path;
    }

    [Fact]
    public async Task Grammar_prints_gbnf_of_the_schema()
    {
        var (code, stdout, stderr) = await CliRunner.RunAsync("sql", "grammar", "--db", db);
        Assert.Equal(0, code);
        Assert.Equal("", stderr);
        Assert.StartsWith("root ::= ", stdout, StringComparison.Ordinal);
        var grammar = CompiledGrammar.Compile(Grammar.ParseGbnf(stdout));
        Assert.True(GrammarMatcher.Matches(grammar, "SELECT name FROM customers WHERE city = 'Boston'"u8));
        Assert.False(GrammarMatcher.Matches(grammar, "SELECT name FROM people"u8));
    }

    [Fact]
    public async Task Check_exits_0_when_allowed_and_1_with_the_reason_when_blocked()
    {
        var (ok, okOut, okErr) = await CliRunner.RunAsync("sql", "check", "--db", db, "--query", "SELECT COUNT(*) FROM orders");
        Assert.Equal(0, ok);
        Assert.Equal("", okErr);
        Assert.True(JsonNode.Parse(okOut)!["allowed"]!.GetValue<bool>());

        var (blocked, blockedOut, blockedErr) = await CliRunner.RunAsync("sql", "check", "--db", db, "--query", "SELECT * FROM orders; DROP TABLE orders");
        Assert.Equal(1, blocked);
        Assert.Equal("MultipleStatements", JsonNode.Parse(blockedOut)!["kind"]!.GetValue<string>());
        Assert.StartsWith("blocked (MultipleStatements): ", blockedErr, StringComparison.Ordinal);

        var (limited, _, limitedErr) = await CliRunner.RunAsync("sql", "check", "--db", db, "--query", "SELECT * FROM products", "--tables", "customers, orders");
        Assert.Equal(1, limited);
        Assert.Contains("'products'", limitedErr);
    }

    [Fact]
    public async Task Ask_prints_sql_rows_and_answer()
    {
        var lm = Answers("{\"sql\": \"SELECT name FROM customers WHERE city = 'Boston' ORDER BY name\"}", "{\"answer\": \"Barbara Liskov and Margaret Hamilton\"}");
        var (code, stdout, stderr) = await CliRunner.RunAsync("sql", "ask", "--db", db, "-q", "Who lives in Boston?", "--lm", "scripted:" + lm, "--no-cache");
        Assert.Equal(0, code);
        Assert.Equal("", stderr);
        Assert.Equal(
            "{\"sql\":\"SELECT name FROM customers WHERE city = 'Boston' ORDER BY name\",\"columns\":[\"name\"],\"rows\":[[\"Barbara Liskov\"],[\"Margaret Hamilton\"]],\"truncated\":false,\"answer\":\"Barbara Liskov and Margaret Hamilton\"}",
            stdout.Trim());
    }

    [Fact]
    public async Task Ask_with_a_local_model_writes_a_query_of_the_grammar_that_runs()
    {
        var (code, stdout, stderr) = await CliRunner.RunAsync(
            "sql", "ask", "--db", db, "-q", "How many orders are pending?", "--lm", $"llama:{model.Path}?ngl=0&ctx=4096", "--max-tokens", "80", "--seed", "3", "--no-cache");
        Assert.True(code == 0, stderr);
        var output = JsonNode.Parse(stdout)!.AsObject();
        Assert.Equal(["sql", "columns", "rows", "truncated", "answer"], output.Select(p => p.Key));
        var sql = output["sql"]!.GetValue<string>();
        var schema = await SqlSchemaSource.Sqlite(db).ReadSchemaAsync();
        Assert.True(GrammarMatcher.Matches(CompiledGrammar.Compile(SqlGrammar.Build(schema)), System.Text.Encoding.UTF8.GetBytes(sql)), sql);
        var (check, _, _) = await CliRunner.RunAsync("sql", "check", "--db", db, "--query", sql);
        Assert.Equal(0, check);
    }

    [Fact]
    public async Task Ask_fails_with_1_when_the_model_writes_a_blocked_query()
    {
        var lm = Answers("{\"sql\": \"DELETE FROM orders\"}", "{\"sql\": \"DROP TABLE orders\"}", "{\"answer\": \"done\"}");
        var (code, stdout, stderr) = await CliRunner.RunAsync("sql", "ask", "--db", db, "-q", "Clean up", "--lm", "scripted:" + lm, "--no-cache");
        Assert.Equal(1, code);
        Assert.Equal("", stdout);
        Assert.Contains("DROP TABLE orders", stderr); // the second (last) refusal

        var once = Answers("{\"sql\": \"DELETE FROM orders\"}", "{\"answer\": \"done\"}");
        var (code1, _, stderr1) = await CliRunner.RunAsync("sql", "ask", "--db", db, "-q", "Clean up", "--lm", "scripted:" + once, "--no-cache", "--attempts", "1");
        Assert.Equal(1, code1);
        Assert.Contains("blocked (NotReadOnly)", stderr1);
    }

    [Theory]
    [InlineData("check", "--query", "SELECT 1")]
    [InlineData("grammar")]
    public async Task A_missing_database_is_bad_input(params string[] rest)
    {
        var (code, _, stderr) = await CliRunner.RunAsync(["sql", rest[0], "--db", Path.Combine(folder, "none.db"), .. rest[1..]]);
        Assert.Equal(2, code);
        Assert.Contains("does not exist", stderr);
    }

    [Fact]
    public async Task Bad_limits_are_bad_input()
    {
        var (code, _, stderr) = await CliRunner.RunAsync("sql", "grammar", "--db", db, "--max-joins", "9");
        Assert.Equal(2, code);
        Assert.Contains("MaxJoins", stderr);
    }
}
