using Declarative.Retrieval.Sql;

namespace Declarative.Retrieval.Tests.Sql;

public class SqlSchemaTests(SampleDatabaseFixture fixture) : IClassFixture<SampleDatabaseFixture>
{
    [Fact]
    public void Reads_tables_columns_types_and_keys()
    {
        var schema = fixture.Schema;
        Assert.Equal(["customers", "products", "orders", "order_items"], schema.Tables.Select(t => t.Name));
        Assert.True(schema.TryGetTable("ORDER_ITEMS", out var items));
        Assert.Equal(["order_id", "product_id", "quantity", "unit price"], items.Columns.Select(c => c.Name));
        Assert.Equal("REAL", items.FindColumn("unit price")!.DeclaredType);
        Assert.Equal(["order_id", "product_id"], items.PrimaryKey);
        Assert.Equal(2, items.ForeignKeys.Count);
        var toOrders = Assert.Single(items.ForeignKeys, k => k.ReferencedTable == "orders");
        Assert.Equal(["order_id"], toOrders.Columns);
        Assert.Equal(["id"], toOrders.ReferencedColumns);
        Assert.True(schema.Tables[0].FindColumn("name")!.NotNull);
        Assert.False(schema.Tables[0].FindColumn("email")!.NotNull);
    }

    [Fact]
    public void Describes_the_schema_with_quoted_names_and_keys()
    {
        var text = fixture.Schema.Describe();
        Assert.Contains("TABLE customers (id INTEGER PRIMARY KEY, name TEXT NOT NULL, email TEXT, city TEXT NOT NULL, joined DATE NOT NULL)", text);
        Assert.Contains("\"unit price\" REAL NOT NULL, PRIMARY KEY (order_id, product_id), FOREIGN KEY", text);
        Assert.Contains("FOREIGN KEY (customer_id) REFERENCES customers (id)", text);
    }

    [Fact]
    public async Task Reads_a_live_schema_and_refuses_a_missing_file()
    {
        var path = Path.Combine(fixture.Folder, "live.db");
        using (var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={path};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "CREATE TABLE \"select\" (\"from\" TEXT, x INT, FOREIGN KEY (x) REFERENCES other); CREATE TABLE other (k INTEGER PRIMARY KEY)";
            command.ExecuteNonQuery();
        }

        var schema = await SqlSchemaSource.Sqlite(path).ReadSchemaAsync();
        Assert.Equal(["select", "other"], schema.Tables.Select(t => t.Name));
        Assert.Contains("TABLE \"select\" (\"from\" TEXT, x INT, FOREIGN KEY (x) REFERENCES other (k))", schema.Describe());

        // The implicit reference to other's primary key still gives a join.
        var grammar = Declarative.Decoding.CompiledGrammar.Compile(SqlGrammar.Build(schema));
        Assert.True(Declarative.Decoding.GrammarMatcher.Matches(grammar, "SELECT \"select\".\"from\" FROM \"select\" JOIN other ON \"select\".x = other.k"u8));
        await Assert.ThrowsAsync<FileNotFoundException>(() => SqlSchemaSource.Sqlite(Path.Combine(fixture.Folder, "none.db")).ReadSchemaAsync());
    }

    [Theory]
    [InlineData("customers", false)]
    [InlineData("unit price", true)]
    [InlineData("order", true)]
    [InlineData("Select", true)]
    [InlineData("2fa", true)]
    [InlineData("_x9", false)]
    public void Quotes_identifiers_that_need_it(string name, bool quoted)
    {
        Assert.Equal(quoted, SqlIdentifier.NeedsQuotes(name));
        Assert.Equal(quoted ? "\"" + name + "\"" : name, SqlIdentifier.Quote(name));
    }
}
