// Declarative text-to-SQL: a sample shop database, its schema read back, the grammar of a read-only SELECT over it,
// the checker blocking what must not run, and TextToSql answering questions. Runs offline with scripted answers;
// set DECLARATIVE_MODEL=llama:PATH.gguf to let a local model write the queries under the schema grammar.
using Declarative;
using Declarative.Retrieval.Sql;
using Declarative.Runtime.LLama;
using Declarative.Testing;
using Microsoft.Extensions.AI;

var folder = Directory.CreateTempSubdirectory("declarative-texttosql-").FullName;
var path = Path.Combine(folder, "shop.db");
try
{
    // 1. The database, created from the embedded script, and its schema read back from the file.
    SqlSampleDatabase.Create(path);
    var schema = await SqlSchemaSource.Sqlite(path).ReadSchemaAsync();
    Console.WriteLine($"Database {path}:\n{schema.Describe()}");

    // 2. The grammar a local model decodes under: only one SELECT over these tables and columns.
    var grammar = SqlGrammar.Build(schema);
    Console.WriteLine($"The SELECT grammar has {grammar.RuleList.Count} rules ({grammar.ToGbnf().Length} characters of GBNF).");

    // 3. The checker, for backends that cannot constrain: read-only, one statement, allowed tables and functions only.
    var checker = SqlChecker.ForSqlite(path, new SqlCheckerOptions { MaxRows = 20, Timeout = TimeSpan.FromSeconds(2) });
    foreach (var sql in new[] { "SELECT COUNT(*) FROM customers", "DELETE FROM orders", "SELECT * FROM customers; DROP TABLE orders", "SELECT * FROM sqlite_master" })
    {
        Console.WriteLine($"check {sql,-45} -> {checker.Check(sql)}");
    }

    // 4. TextToSql: question -> SQL under the grammar -> checked, read-only rows -> answer.
    var questions = new (string Question, string Sql, string Answer)[]
    {
        ("How many orders are still pending?", "SELECT COUNT(*) FROM orders WHERE status = 'pending'", "Three orders are pending."),
        ("Which customer spent the most?",
            "SELECT customers.name, SUM(order_items.quantity * order_items.\"unit price\") FROM customers JOIN orders ON orders.customer_id = customers.id JOIN order_items ON order_items.order_id = orders.id GROUP BY customers.name ORDER BY SUM(order_items.quantity * order_items.\"unit price\") DESC LIMIT 1",
            "Alan Turing spent the most."),
    };
    using var client = await ChooseModelAsync(questions);
    var module = new TextToSql(schema, checker);
    foreach (var (question, _, _) in questions)
    {
        var result = await module.InvokeAsync(question, new RunContext(client), new CallSettings { MaxTokens = 160 });
        Console.WriteLine($"\nQ: {question}\nSQL: {result.Sql}\nrows: {TextToSql.RowsJson(result.Rows)}\nA: {result.Answer}");
    }

    return 0;
}
catch (SqlBlockedException ex)
{
    Console.Error.WriteLine(ex.Message);
    return 1;
}
finally
{
    Directory.Delete(folder, recursive: true);
}

static async Task<IChatClient> ChooseModelAsync((string Question, string Sql, string Answer)[] questions)
{
    if (Environment.GetEnvironmentVariable("DECLARATIVE_MODEL") is { Length: > 0 } spec)
    {
        Console.WriteLine($"\nModel: {spec} (decoding under the schema grammar)");
        return await LlamaSpec.Parse(spec).LoadChatClientAsync();
    }

    // Offline: the answer request holds the query it answers (so those rules come first); the query request holds the question.
    Console.WriteLine("\nModel: scripted answers (set DECLARATIVE_MODEL=llama:PATH.gguf for a local model)");
    var scripted = new ScriptedChatClient();
    foreach (var (_, sql, answer) in questions)
    {
        scripted.When(sql, ("answer", answer));
    }

    foreach (var (question, sql, _) in questions)
    {
        scripted.When(question, ("sql", sql));
    }

    return scripted;
}
