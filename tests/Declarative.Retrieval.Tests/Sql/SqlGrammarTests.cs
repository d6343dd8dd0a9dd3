using Declarative.Decoding;
using Declarative.Grammars;
using Declarative.Retrieval.Sql;

namespace Declarative.Retrieval.Tests.Sql;

public class SqlGrammarTests(SampleDatabaseFixture fixture) : IClassFixture<SampleDatabaseFixture>
{
    [Theory]
    [InlineData("SELECT id FROM customers JOIN orders ON orders.customer_id = customers.id")] // ambiguous bare column
    [InlineData("SELECT orders.status FROM customers")] // table not in the FROM clause
    [InlineData("SELECT name FROM customers WHERE COUNT(*) > 1")] // aggregate in WHERE
    [InlineData("SELECT city FROM customers GROUP BY COUNT(*)")] // aggregate in GROUP BY
    [InlineData("SELECT name FROM customers ORDER BY 2")] // position, not a column
    [InlineData("SELECT name FROM customers HAVING COUNT(*) > 1")] // HAVING without GROUP BY
    [InlineData("SELECT SUM(COUNT(*)) FROM customers")] // nested aggregate
    public void Refuses_queries_sqlite_would_not_prepare(string sql)
    {
        Assert.False(fixture.GrammarAccepts(sql));
        Assert.Equal(SqlBlockKind.Invalid, fixture.Checker.Check(sql).Kind);
    }

    [Fact]
    public void Joins_only_along_foreign_keys()
    {
        // Valid SQL that SQLite runs, but not a join the schema declares: the grammar does not offer it.
        const string Unrelated = "SELECT * FROM customers JOIN products ON products.id = customers.id";
        Assert.False(fixture.GrammarAccepts(Unrelated));
        Assert.True(fixture.Checker.Check(Unrelated).IsAllowed);
        Assert.True(fixture.GrammarAccepts("SELECT * FROM order_items JOIN products ON products.id = order_items.product_id"));
    }

    [Fact]
    public void Prints_gbnf_that_reads_back_to_the_same_language()
    {
        var gbnf = fixture.Grammar.ToGbnf();
        Assert.StartsWith("root ::= ", gbnf, StringComparison.Ordinal);
        Assert.Contains("\"order_items.\\\"unit price\\\"\"", gbnf);
        var reread = CompiledGrammar.Compile(Grammar.ParseGbnf(gbnf));
        foreach (var sql in SqlCorpus.GoodQueries)
        {
            Assert.True(GrammarMatcher.Matches(reread, System.Text.Encoding.UTF8.GetBytes(sql)), sql);
        }

        Assert.False(GrammarMatcher.Matches(reread, "SELECT * FROM customers; DROP TABLE customers"u8));
    }

    [Fact]
    public void The_chat_reply_grammar_wraps_the_query_in_the_field_markers()
    {
        var grammar = CompiledGrammar.Compile(SqlGrammar.ForChatReply(fixture.Schema, "sql"));
        Assert.True(GrammarMatcher.Matches(grammar, "[[ ## sql ## ]]\nSELECT name FROM products LIMIT 2\n\n[[ ## completed ## ]]"u8));
        Assert.False(GrammarMatcher.Matches(grammar, "[[ ## sql ## ]]\nDROP TABLE products\n\n[[ ## completed ## ]]"u8));
        Assert.False(GrammarMatcher.Matches(grammar, "SELECT name FROM products"u8));
    }

    [Fact]
    public void Max_joins_bounds_the_join_chains()
    {
        const string TwoJoins = "SELECT * FROM customers JOIN orders ON orders.customer_id = customers.id JOIN order_items ON order_items.order_id = orders.id";
        const string ThreeJoins = TwoJoins + " JOIN products ON products.id = order_items.product_id";
        Assert.True(fixture.GrammarAccepts(TwoJoins));
        Assert.False(fixture.GrammarAccepts(ThreeJoins));
        var three = CompiledGrammar.Compile(SqlGrammar.Build(fixture.Schema, new SqlGrammarOptions { MaxJoins = 3 }));
        Assert.True(GrammarMatcher.Matches(three, System.Text.Encoding.UTF8.GetBytes(ThreeJoins)));
        Assert.True(fixture.Checker.Check(ThreeJoins).IsAllowed);
        var none = CompiledGrammar.Compile(SqlGrammar.Build(fixture.Schema, new SqlGrammarOptions { MaxJoins = 0 }));
        Assert.False(GrammarMatcher.Matches(none, "SELECT * FROM customers JOIN orders ON orders.customer_id = customers.id"u8));
        Assert.True(GrammarMatcher.Matches(none, "SELECT * FROM customers"u8));
    }

    [Fact]
    public void Bad_options_and_schemas_are_refused_with_the_fix()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => SqlGrammar.Build(fixture.Schema, new SqlGrammarOptions { MaxJoins = 5 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => SqlGrammar.Build(fixture.Schema, new SqlGrammarOptions { MaxSelectItems = 0 }));
        var tooMany = Assert.Throws<ArgumentException>(() => SqlGrammar.Build(fixture.Schema, new SqlGrammarOptions { MaxScopes = 5 }));
        Assert.Contains("MaxJoins", tooMany.Message);
        Assert.Throws<ArgumentException>(() => SqlGrammar.Build(new SqlSchema([])));
    }

    [Fact]
    public void Select_lists_are_bounded_by_the_option()
    {
        var two = CompiledGrammar.Compile(SqlGrammar.Build(fixture.Schema, new SqlGrammarOptions { MaxSelectItems = 2 }));
        Assert.True(GrammarMatcher.Matches(two, "SELECT id, name FROM customers"u8));
        Assert.False(GrammarMatcher.Matches(two, "SELECT id, name, city FROM customers"u8));
    }
}
