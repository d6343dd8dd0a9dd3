using Declarative.Guards;
using Declarative.Retrieval.Sql;
using Declarative.Testing;
using Microsoft.Extensions.AI;

namespace Declarative.Cli.Tests;

/// <summary>The real SQLite checker behind the guards' <see cref="SqlOutputGuard"/>, on the sample database.</summary>
public sealed class SqlGuardIntegrationTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("declarative-sqlguard-").FullName;

    [Theory]
    [InlineData("SELECT COUNT(*) FROM orders WHERE status = 'pending'", true)]
    [InlineData("DELETE FROM orders", false)]
    [InlineData("SELECT * FROM customers; DROP TABLE orders", false)]
    [InlineData("SELECT salary FROM customers", false)]
    public async Task The_sql_checker_guards_any_sql_producing_completion(string sql, bool allowed)
    {
        var path = Path.Combine(folder, "shop.db");
        SqlSampleDatabase.Create(path);
        var checker = SqlChecker.ForSqlite(path);
        var options = new GuardOptions();
        options.AdditionalGuards.Add(new SqlOutputGuard(s => checker.Check(s) is var r && r.IsAllowed ? (true, null) : (false, r.Reason)));
        var lm = new ScriptedChatClient().AnswerRaw($"[[ ## sql ## ]]\n{sql}\n\n[[ ## completed ## ]]");
        var client = new ChatClientBuilder(lm).UseGuards(options).Build();
        var call = client.GetResponseAsync([new ChatMessage(ChatRole.User, "question")]);
        if (allowed)
        {
            Assert.Contains(sql, (await call).Text, StringComparison.Ordinal);
        }
        else
        {
            var ex = await Assert.ThrowsAsync<GuardException>(() => call);
            Assert.Equal("sql.blocked", Assert.Single(ex.Findings).Kind);
        }
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(folder, recursive: true);
    }
}
