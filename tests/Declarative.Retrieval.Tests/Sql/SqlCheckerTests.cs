using Declarative.Retrieval.Sql;

namespace Declarative.Retrieval.Tests.Sql;

public class SqlCheckerTests(SampleDatabaseFixture fixture) : IClassFixture<SampleDatabaseFixture>
{
    [Theory]
    [InlineData("SELECT * FROM customers; DROP TABLE customers", SqlBlockKind.MultipleStatements)]
    [InlineData("SELECT * FROM customers -- c\n; SELECT 1", SqlBlockKind.MultipleStatements)]
    [InlineData("DELETE FROM orders", SqlBlockKind.NotReadOnly)]
    [InlineData("PRAGMA table_info(customers)", SqlBlockKind.NotReadOnly)]
    [InlineData("ATTACH ':memory:' AS m", SqlBlockKind.NotReadOnly)]
    [InlineData("VACUUM", SqlBlockKind.NotReadOnly)]
    [InlineData("EXPLAIN SELECT * FROM customers", SqlBlockKind.NotReadOnly)]
    [InlineData("SELECT * FROM sqlite_master", SqlBlockKind.Denied)]
    [InlineData("SELECT sqlite_version() FROM customers", SqlBlockKind.Denied)]
    [InlineData("SELECT nope FROM customers", SqlBlockKind.Invalid)]
    [InlineData("SELECT * FROM nowhere", SqlBlockKind.Invalid)]
    [InlineData("SELEC * FROM customers", SqlBlockKind.Invalid)]
    [InlineData("  /* nothing */ ", SqlBlockKind.Empty)]
    public void Blocks_with_the_right_kind(string sql, SqlBlockKind kind)
    {
        var verdict = fixture.Checker.Check(sql);
        Assert.Equal(kind, verdict.Kind);
        Assert.False(verdict.IsAllowed);
    }

    [Theory]
    [InlineData("SELECT * FROM customers;")]
    [InlineData("select name from customers -- a trailing comment")]
    [InlineData("SELECT name FROM customers /* ; DROP TABLE orders */")]
    public void Allows_one_select_with_trailing_semicolon_or_comments(string sql) =>
        Assert.True(fixture.Checker.Check(sql).IsAllowed);

    [Fact]
    public void Names_the_refused_table_and_function()
    {
        Assert.Contains("sqlite_master", fixture.Checker.Check("SELECT * FROM sqlite_master").Reason);
        Assert.Contains("sqlite_version", fixture.Checker.Check("SELECT sqlite_version() FROM customers").Reason);
        Assert.Contains("no such column: nope", fixture.Checker.Check("SELECT nope FROM customers").Reason);
    }

    [Fact]
    public void Allowed_tables_limit_reads_including_joins()
    {
        var checker = SqlChecker.ForSqlite(fixture.Path, new SqlCheckerOptions { AllowedTables = ["customers", "ORDERS"] });
        Assert.True(checker.Check("SELECT customers.name FROM customers JOIN orders ON orders.customer_id = customers.id").IsAllowed);
        var verdict = checker.Check("SELECT name FROM products");
        Assert.Equal(SqlBlockKind.Denied, verdict.Kind);
        Assert.Contains("'products'", verdict.Reason);
    }

    [Fact]
    public async Task Returns_typed_values_and_column_names()
    {
        var result = await fixture.Checker.ExecuteAsync("SELECT id, name, price, NULL FROM products WHERE id = 1");
        Assert.Equal(["id", "name", "price", "NULL"], result.Columns);
        var row = Assert.Single(result.Rows);
        Assert.Equal(1L, row[0]);
        Assert.Equal("Mechanical keyboard", row[1]);
        Assert.Equal(89.5, row[2]);
        Assert.Null(row[3]);
    }

    [Fact]
    public async Task Cuts_rows_at_the_limit_and_says_so()
    {
        var checker = SqlChecker.ForSqlite(fixture.Path, new SqlCheckerOptions { MaxRows = 5 });
        var cut = await checker.ExecuteAsync("SELECT * FROM order_items");
        Assert.Equal(5, cut.Rows.Count);
        Assert.True(cut.Truncated);
        var exact = await checker.ExecuteAsync("SELECT * FROM order_items LIMIT 5");
        Assert.Equal(5, exact.Rows.Count);
        Assert.False(exact.Truncated);
    }

    [Fact]
    public async Task Interrupts_a_query_that_runs_past_the_timeout()
    {
        // Seven-way cross join of 22 rows: far longer than any delay of the 100 ms timer on a loaded 2-core machine (its
        // callback waits for a pool thread), so only the timeout can end it.
        var checker = SqlChecker.ForSqlite(fixture.Path, new SqlCheckerOptions { Timeout = TimeSpan.FromMilliseconds(100) });
        const string Slow = "SELECT COUNT(*) FROM order_items a, order_items b, order_items c, order_items d, order_items e, order_items f, order_items g";
        var started = System.Diagnostics.Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<TimeoutException>(() => checker.ExecuteAsync(Slow));
        Assert.Contains("SqlCheckerOptions.Timeout", error.Message);
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(20));
    }

    [Fact]
    public async Task The_timeout_runs_on_the_injected_clock()
    {
        var clock = new TimerSignallingClock();
        var checker = SqlChecker.ForSqlite(fixture.Path, new SqlCheckerOptions { Timeout = TimeSpan.FromMinutes(10), TimeProvider = clock });
        const string Slow = "SELECT COUNT(*) FROM order_items a, order_items b, order_items c, order_items d, order_items e, order_items f, order_items g";
        var running = checker.ExecuteAsync(Slow);

        // The query (and its ten-minute timer) starts on a pool thread: advancing the clock before the timer exists would
        // put its deadline ten minutes after the advance, and the query would run to its end. Wait for the timer instead
        // of guessing how long a loaded machine takes to start it.
        await clock.TimerCreated.WaitAsync(TimeSpan.FromSeconds(30));
        await Task.Delay(200);
        Assert.False(running.IsCompleted); // ten minutes have not passed on the fake clock
        clock.Advance(TimeSpan.FromMinutes(11));
        await Assert.ThrowsAsync<TimeoutException>(() => running);
    }

    [Fact]
    public void Connections_are_opened_read_only()
    {
        using var connection = SqliteConnections.OpenReadOnly(fixture.Path);
        using var command = connection.CreateCommand();
        command.CommandText = "CREATE TABLE t (x INTEGER)";
        var error = Assert.Throws<Microsoft.Data.Sqlite.SqliteException>(() => command.ExecuteNonQuery());
        Assert.Contains("readonly", error.Message);
    }

    [Fact]
    public async Task Stops_when_the_caller_cancels()
    {
        // A seven-way cross join of 22 rows (2.5 billion rows to count) with no timeout can only end by cancellation, however
        // late a loaded machine fires the 100 ms timer.
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
        var checker = SqlChecker.ForSqlite(fixture.Path, new SqlCheckerOptions { Timeout = Timeout.InfiniteTimeSpan });
        const string Slow = "SELECT COUNT(*) FROM order_items a, order_items b, order_items c, order_items d, order_items e, order_items f, order_items g";
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => checker.ExecuteAsync(Slow, cancel.Token));
    }

    [Fact]
    public void Functions_are_refused_unless_listed()
    {
        var checker = SqlChecker.ForSqlite(fixture.Path, new SqlCheckerOptions { AllowedFunctions = ["upper"] });
        Assert.True(checker.Check("SELECT UPPER(name) FROM customers").IsAllowed);
        Assert.Equal(SqlBlockKind.Denied, checker.Check("SELECT COUNT(*) FROM customers").Kind);
        Assert.Equal(SqlBlockKind.Denied, checker.Check("SELECT name FROM customers WHERE name LIKE 'A%'").Kind);
    }

    [Fact]
    public void Options_are_validated_when_the_checker_is_built()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => SqlChecker.ForSqlite(fixture.Path, new SqlCheckerOptions { MaxRows = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => SqlChecker.ForSqlite(fixture.Path, new SqlCheckerOptions { Timeout = TimeSpan.Zero }));
        Assert.Throws<FileNotFoundException>(() => SqlChecker.ForSqlite(Path.Combine(fixture.Folder, "missing.db")).Check("SELECT 1"));
    }

    /// <summary>A fake clock that says when its first timer is created.</summary>
    private sealed class TimerSignallingClock : Microsoft.Extensions.Time.Testing.FakeTimeProvider
    {
        private readonly TaskCompletionSource created = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task TimerCreated => created.Task;

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            var timer = base.CreateTimer(callback, state, dueTime, period);
            created.TrySetResult();
            return timer;
        }
    }
}
