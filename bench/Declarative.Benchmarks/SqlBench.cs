using System.Diagnostics;
using System.Text;
using Declarative.Decoding;
using Declarative.Retrieval.Sql;

namespace Declarative.Benchmarks;

/// <summary>
/// <c>sql [--passes N] [--vocab o200k_base]</c>: text-to-SQL figures on the sample shop database: the schema grammar's
/// build and compile time, the token-mask time per step while replaying queries token by token (cold mask cache, then
/// warm), and the checker's latency (check only, and check + run) on allowed and blocked statements. Single thread.
/// </summary>
internal static class SqlBench
{
    private static readonly string[] Queries =
    [
        "SELECT * FROM customers",
        "SELECT name, city FROM customers WHERE city = 'London'",
        "SELECT DISTINCT city FROM customers ORDER BY city ASC",
        "SELECT name FROM products WHERE price > 50 ORDER BY price DESC LIMIT 3",
        "SELECT category, SUM(price) FROM products GROUP BY category HAVING COUNT(*) > 1",
        "SELECT customers.name, orders.ordered FROM customers JOIN orders ON orders.customer_id = customers.id WHERE orders.status = 'pending'",
        "SELECT products.name, SUM(order_items.quantity) FROM order_items JOIN products ON order_items.product_id = products.id GROUP BY products.name ORDER BY SUM(order_items.quantity) DESC",
        "SELECT name FROM customers WHERE email IS NOT NULL AND city IN ('Boston', 'London')",
        "SELECT id FROM orders WHERE NOT status = 'delivered' AND (customer_id = 1 OR customer_id = 2)",
        "SELECT order_id, quantity * \"unit price\" FROM order_items WHERE quantity > 1",
        "SELECT customers.name, SUM(order_items.quantity * order_items.\"unit price\") FROM customers JOIN orders ON orders.customer_id = customers.id JOIN order_items ON order_items.order_id = orders.id GROUP BY customers.name ORDER BY customers.name",
        "SELECT status, COUNT(*) FROM orders GROUP BY status HAVING COUNT(*) >= 2 ORDER BY COUNT(*) DESC, status ASC",
    ];

    private static readonly string[] Blocked =
    [
        "DELETE FROM orders",
        "DROP TABLE customers",
        "PRAGMA table_info(customers)",
        "SELECT * FROM customers; DROP TABLE customers",
        "SELECT * FROM sqlite_master",
        "SELECT password FROM customers",
        "SELECT sqlite_version() FROM customers",
        "VACUUM",
    ];

    public static int Run(string[] args)
    {
        var passes = 2;
        var vocabularyName = "o200k_base";
        for (var i = 1; i < args.Length - 1; i += 2)
        {
            switch (args[i])
            {
                case "--passes": passes = int.Parse(args[i + 1], System.Globalization.CultureInfo.InvariantCulture); break;
                case "--vocab": vocabularyName = args[i + 1]; break;
                default: Console.Error.WriteLine("usage: sql [--passes N] [--vocab o200k_base|cl100k_base]"); return 2;
            }
        }

        var folder = Directory.CreateTempSubdirectory("declarative-sql-bench-").FullName;
        try
        {
            var path = Path.Combine(folder, "shop.db");
            SqlSampleDatabase.Create(path);
            var schema = SqlSchemaSource.Sqlite(path).ReadSchemaAsync().GetAwaiter().GetResult();

            var builds = new List<double>();
            var compiles = new List<double>();
            CompiledGrammar? compiled = null;
            for (var i = 0; i < 20; i++)
            {
                var start = Stopwatch.GetTimestamp();
                var grammar = SqlGrammar.Build(schema);
                builds.Add(Stopwatch.GetElapsedTime(start).TotalMicroseconds);
                start = Stopwatch.GetTimestamp();
                compiled = CompiledGrammar.Compile(grammar);
                compiles.Add(Stopwatch.GetElapsedTime(start).TotalMicroseconds);
                if (i == 0)
                {
                    Console.WriteLine($"grammar: {grammar.RuleList.Count} rules, {grammar.ToGbnf().Length} GBNF characters, {compiled.ProductionCount} productions");
                }
            }

            Console.WriteLine($"{Line("build", builds)}; {Line("compile", compiles)} (20 runs, first included)");

            var vocabulary = Vocabulary.Tiktoken(vocabularyName);
            var tokens = new TokenGrammar(compiled!, vocabulary);
            var mask = new uint[vocabulary.MaskWords];
            for (var pass = 1; pass <= passes; pass++)
            {
                var steps = new List<double>();
                var stopped = 0;
                foreach (var query in Queries)
                {
                    var bytes = Encoding.UTF8.GetBytes(query);
                    var matcher = tokens.CreateMatcher();
                    var position = 0;
                    while (true)
                    {
                        var at = Stopwatch.GetTimestamp();
                        matcher.ComputeMask(mask);
                        steps.Add(Stopwatch.GetElapsedTime(at).TotalMicroseconds);
                        if (position == bytes.Length)
                        {
                            break;
                        }

                        var token = tokens.LongestToken(bytes.AsSpan(position));
                        if (token < 0 || (mask[token >> 5] & (1u << (token & 31))) == 0 || !matcher.TryAdvance(token))
                        {
                            stopped++;
                            break;
                        }

                        position += vocabulary[token].Length;
                    }
                }

                Console.WriteLine($"masks pass {pass} ({vocabularyName}, {Queries.Length} queries): {Line("mask", steps)}; stopped replays {stopped}");
            }

            var checker = SqlChecker.ForSqlite(path);
            foreach (var (name, statements) in new[] { ("check allowed", Queries), ("check blocked", Blocked) })
            {
                var times = new List<double>();
                for (var round = 0; round < 10; round++)
                {
                    foreach (var sql in statements)
                    {
                        var at = Stopwatch.GetTimestamp();
                        _ = checker.Check(sql);
                        times.Add(Stopwatch.GetElapsedTime(at).TotalMicroseconds);
                    }
                }

                Console.WriteLine(Line(name, times));
            }

            var runs = new List<double>();
            for (var round = 0; round < 10; round++)
            {
                foreach (var sql in Queries)
                {
                    var at = Stopwatch.GetTimestamp();
                    _ = checker.ExecuteAsync(sql).GetAwaiter().GetResult();
                    runs.Add(Stopwatch.GetElapsedTime(at).TotalMicroseconds);
                }
            }

            Console.WriteLine(Line("check+run", runs));
            return 0;
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static string Line(string name, List<double> values)
    {
        values.Sort();
        double At(double q) => Percentiles.Of(values, q);
        return FormattableString.Invariant($"{name} n={values.Count} p50={At(0.5):F1}us p99={At(0.99):F1}us max={At(1):F1}us");
    }
}
