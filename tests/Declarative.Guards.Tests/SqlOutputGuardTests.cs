using Declarative.Testing;
using Microsoft.Extensions.AI;

namespace Declarative.Guards.Tests;

public sealed class SqlOutputGuardTests
{
    /// <summary>A read-only policy in the shape of the SQL checker's answer: SELECT only, one statement.</summary>
    private static (bool Allowed, string? Reason) ReadOnlySelect(string sql) =>
        !sql.StartsWith("SELECT ", StringComparison.OrdinalIgnoreCase) ? (false, "not a SELECT")
        : sql.TrimEnd().TrimEnd(';').Contains(';', StringComparison.Ordinal) ? (false, "more than one statement")
        : (true, null);

    private static IChatClient Build(IChatClient inner)
    {
        var options = new GuardOptions();
        options.AdditionalGuards.Add(new SqlOutputGuard(ReadOnlySelect));
        return new ChatClientBuilder(inner).UseGuards(options).Build();
    }

    private static readonly ChatMessage[] Ask = [new(ChatRole.User, "How many orders are pending?")];

    [Fact]
    public async Task A_refused_statement_in_the_sql_field_blocks_the_completion_with_the_checkers_reason()
    {
        var lm = new ScriptedChatClient().AnswerRaw("[[ ## sql ## ]]\nSELECT COUNT(*) FROM orders; DROP TABLE orders\n\n[[ ## completed ## ]]");
        var ex = await Assert.ThrowsAsync<GuardException>(() => Build(lm).GetResponseAsync(Ask));
        var finding = Assert.Single(ex.Findings);
        Assert.Equal("sql.blocked", finding.Kind);
        Assert.Equal("more than one statement", finding.Reason);
        Assert.Equal("sql", finding.Field);
        Assert.Equal(1, lm.CallCount);
    }

    [Fact]
    public async Task Fenced_and_json_replies_are_read_and_allowed_queries_pass()
    {
        var fenced = new ScriptedChatClient().AnswerRaw("[[ ## sql ## ]]\n```sql\nSELECT name FROM customers\n```\n\n[[ ## completed ## ]]");
        Assert.Contains("SELECT name", (await Build(fenced).GetResponseAsync(Ask)).Text, StringComparison.Ordinal);

        var json = new ScriptedChatClient().AnswerRaw("""{"sql": "DELETE FROM orders"}""");
        var ex = await Assert.ThrowsAsync<GuardException>(() => Build(json).GetResponseAsync(Ask));
        Assert.Equal("not a SELECT", Assert.Single(ex.Findings).Reason);

        var other = new ScriptedChatClient().AnswerRaw("[[ ## answer ## ]]\nDELETE is a word\n\n[[ ## completed ## ]]");
        Assert.Contains("DELETE is a word", (await Build(other).GetResponseAsync(Ask)).Text, StringComparison.Ordinal); // no sql field: not checked
    }
}
