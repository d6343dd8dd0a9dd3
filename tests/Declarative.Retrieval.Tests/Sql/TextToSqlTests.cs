using Declarative.Decoding;
using Declarative.Grammars;
using Declarative.Retrieval.Sql;
using Declarative.Testing;

namespace Declarative.Retrieval.Tests.Sql;

public class TextToSqlTests(SampleDatabaseFixture fixture) : IClassFixture<SampleDatabaseFixture>
{
    private const string Question = "How many orders are pending?";

    [Fact]
    public async Task Writes_checks_runs_and_answers_with_the_grammar_on_the_request()
    {
        const string Sql = "SELECT COUNT(*) FROM orders WHERE status = 'pending'";
        var client = new ScriptedChatClient().Answer(("sql", Sql)).Answer(("answer", "Three orders are pending."));
        var module = new TextToSql(fixture.Schema, fixture.Checker);

        var result = await module.InvokeAsync(Question, new RunContext(client));

        Assert.Equal(Sql, result.Sql);
        Assert.Equal(3L, Assert.Single(Assert.Single(result.Rows.Rows)));
        Assert.Equal("Three orders are pending.", result.Answer);

        var generate = client.Requests[0];
        Assert.Same(module.ReplyGrammar, generate.Options!.AdditionalProperties![OptionKeys.Grammar]);
        Assert.Contains(fixture.Schema.Describe().Trim(), generate.Messages[^1].Text);
        var reply = new ChatAdapter().FormatReply([new KeyValuePair<string, object?>("sql", Sql)]);
        Assert.True(GrammarMatcher.Matches(CompiledGrammar.Compile(module.ReplyGrammar), System.Text.Encoding.UTF8.GetBytes(reply.TrimEnd('\n'))));

        var answer = client.Requests[1];
        Assert.IsType<OutputGrammar>(answer.Options!.AdditionalProperties![OptionKeys.Grammar]);
        Assert.Contains("{\"columns\":[\"COUNT(*)\"],\"rows\":[[3]],\"truncated\":false}", answer.Messages[^1].Text);
    }

    [Fact]
    public async Task A_blocked_query_stops_before_the_answer()
    {
        var client = new ScriptedChatClient().Answer(("sql", "DELETE FROM orders")).Answer(("answer", "done"));
        var module = new TextToSql(fixture.Schema, fixture.Checker) { MaxAttempts = 1 };

        var error = await Assert.ThrowsAsync<SqlBlockedException>(() => module.InvokeAsync(Question, new RunContext(client)));

        Assert.Equal(SqlBlockKind.NotReadOnly, error.Result.Kind);
        Assert.Equal(1, client.CallCount);
    }

    [Fact]
    public async Task A_blocked_query_is_written_again_with_the_checkers_reason()
    {
        const string Sql = "SELECT COUNT(*) FROM orders WHERE status = 'pending'";
        var client = new ScriptedChatClient().Answer(("sql", "DELETE FROM orders")).Answer(("sql", Sql)).Answer(("answer", "Three."));
        var module = new TextToSql(fixture.Schema, fixture.Checker);

        var result = await module.InvokeAsync(Question, new RunContext(client));

        Assert.Equal(Sql, result.Sql);
        Assert.Equal("Three.", result.Answer);
        Assert.Equal(3, client.CallCount);
        var retry = client.Requests[1].Messages[^1].Text;
        Assert.Contains("refused", retry, StringComparison.Ordinal);
        Assert.Contains("DELETE FROM orders", retry, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Only_the_last_refusal_is_thrown_after_MaxAttempts_queries()
    {
        var client = new ScriptedChatClient().Answer(("sql", "DELETE FROM orders")).Answer(("sql", "DROP TABLE orders")).Answer(("answer", "done"));
        var module = new TextToSql(fixture.Schema, fixture.Checker) { MaxAttempts = 2 };

        var error = await Assert.ThrowsAsync<SqlBlockedException>(() => module.InvokeAsync(Question, new RunContext(client)));

        Assert.Equal("DROP TABLE orders", error.Sql);
        Assert.Equal(2, client.CallCount);
        Assert.Throws<ArgumentOutOfRangeException>(() => new TextToSql(fixture.Schema, fixture.Checker) { MaxAttempts = 0 });
    }

    [Fact]
    public async Task Unwraps_a_code_fence_and_says_when_rows_were_cut()
    {
        var checker = SqlChecker.ForSqlite(fixture.Path, new SqlCheckerOptions { MaxRows = 2 });
        var client = new ScriptedChatClient().Answer(("sql", "```sql\nSELECT name FROM customers ORDER BY name;\n```")).Answer(("answer", "Ada and Alan, among others."));
        var module = new TextToSql(fixture.Schema, checker);

        var result = await module.InvokeAsync("Name some customers.", new RunContext(client));

        Assert.Equal("SELECT name FROM customers ORDER BY name;", result.Sql);
        Assert.True(result.Rows.Truncated);
        Assert.Contains("\"truncated\":true", client.Requests[1].Messages[^1].Text);
    }

    [Fact]
    public async Task The_json_adapter_keeps_its_own_grammar_and_the_checker_guards()
    {
        var client = new ScriptedChatClient(JsonAdapter.Default).Answer(("sql", "SELECT name FROM products WHERE id = 2")).Answer(("answer", "Wireless mouse"));
        var module = new TextToSql(fixture.Schema, fixture.Checker);

        var result = await module.InvokeAsync("What is product 2?", new RunContext(client) { Adapter = JsonAdapter.Default });

        Assert.Equal("Wireless mouse", Assert.Single(Assert.Single(result.Rows.Rows)));
        Assert.IsType<OutputGrammar>(client.Requests[0].Options!.AdditionalProperties![OptionKeys.Grammar]);
    }

    [Fact]
    public void Names_its_predictors_for_optimizers()
    {
        var module = new TextToSql(fixture.Schema, fixture.Checker);
        Assert.Equal(["generate", "answer"], module.NamedPredictors().Select(p => p.Name));
        Assert.Equal(TextToSql.GenerateInstructions, module.Generate.Signature.Instructions);
    }
}
