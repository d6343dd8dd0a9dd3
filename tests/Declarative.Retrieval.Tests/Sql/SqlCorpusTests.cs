namespace Declarative.Retrieval.Tests.Sql;

/// <summary>The done-when corpus: good queries pass the grammar and the checker and run; bad ones fail both.</summary>
public class SqlCorpusTests(SampleDatabaseFixture fixture) : IClassFixture<SampleDatabaseFixture>
{
    [Fact]
    public void The_corpus_is_large_enough()
    {
        Assert.True(SqlCorpus.GoodQueries.Length >= 20);
        Assert.True(SqlCorpus.BadQueries.Length >= 40);
    }

    [Theory]
    [MemberData(nameof(SqlCorpus.Good), MemberType = typeof(SqlCorpus))]
    public async Task Good_queries_are_accepted_by_grammar_and_checker_and_run(string sql)
    {
        Assert.True(fixture.GrammarAccepts(sql), $"grammar rejected: {sql}");
        var verdict = fixture.Checker.Check(sql);
        Assert.True(verdict.IsAllowed, verdict.ToString());
        var result = await fixture.Checker.ExecuteAsync(sql);
        Assert.NotEmpty(result.Columns);
        Assert.False(result.Truncated);
    }

    [Theory]
    [MemberData(nameof(SqlCorpus.Bad), MemberType = typeof(SqlCorpus))]
    public async Task Bad_statements_are_rejected_by_grammar_and_blocked_by_checker(string sql)
    {
        Assert.False(fixture.GrammarAccepts(sql), $"grammar accepted: {sql}");
        var verdict = fixture.Checker.Check(sql);
        Assert.False(verdict.IsAllowed, $"checker allowed: {sql}");
        Assert.False(string.IsNullOrWhiteSpace(verdict.Reason));
        var blocked = await Assert.ThrowsAsync<Declarative.Retrieval.Sql.SqlBlockedException>(() => fixture.Checker.ExecuteAsync(sql));
        Assert.Equal(verdict, blocked.Result);
    }
}
