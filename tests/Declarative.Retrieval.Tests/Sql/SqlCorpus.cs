namespace Declarative.Retrieval.Tests.Sql;

/// <summary>Queries over the sample shop database: ones both the grammar and the checker must accept, ones both must refuse.</summary>
public static class SqlCorpus
{
    public static TheoryData<string> Good => new(GoodQueries);

    public static TheoryData<string> Bad => new(BadQueries);

    public static readonly string[] GoodQueries =
    [
        "SELECT * FROM customers",
        "SELECT name, city FROM customers WHERE city = 'London'",
        "SELECT COUNT(*) FROM orders",
        "SELECT DISTINCT city FROM customers ORDER BY city ASC",
        "SELECT name FROM products WHERE price > 50 ORDER BY price DESC LIMIT 3",
        "SELECT category, COUNT(*), AVG(price) FROM products GROUP BY category",
        "SELECT category, SUM(price) FROM products GROUP BY category HAVING COUNT(*) > 1",
        "SELECT customers.name, orders.ordered FROM customers JOIN orders ON orders.customer_id = customers.id WHERE orders.status = 'pending'",
        "SELECT products.name, SUM(order_items.quantity) FROM order_items JOIN products ON order_items.product_id = products.id GROUP BY products.name ORDER BY SUM(order_items.quantity) DESC",
        "SELECT customers.name, COUNT(*) FROM customers LEFT JOIN orders ON customers.id = orders.customer_id GROUP BY customers.name",
        "SELECT name FROM customers WHERE email IS NULL",
        "SELECT name FROM customers WHERE email IS NOT NULL AND city IN ('Boston', 'London')",
        "SELECT name FROM products WHERE name LIKE '%textbook%'",
        "SELECT name FROM products WHERE price BETWEEN 20 AND 100",
        "SELECT name FROM customers WHERE name = 'Tim O''Brien'",
        "SELECT id FROM orders WHERE NOT status = 'delivered' AND (customer_id = 1 OR customer_id = 2)",
        "SELECT order_id, quantity * \"unit price\" FROM order_items WHERE quantity > 1",
        "SELECT UPPER(name), LENGTH(email) FROM customers WHERE city NOT IN ('London')",
        "SELECT MIN(price), MAX(price), AVG(price) FROM products",
        "SELECT customers.name, SUM(order_items.quantity * order_items.\"unit price\") FROM customers JOIN orders ON orders.customer_id = customers.id JOIN order_items ON order_items.order_id = orders.id GROUP BY customers.name ORDER BY customers.name",
        "SELECT COUNT(DISTINCT customer_id) FROM orders WHERE ordered >= '2024-06-01'",
        "SELECT name FROM products WHERE price NOT BETWEEN 10 AND 100 ORDER BY name",
        "SELECT status, COUNT(*) FROM orders GROUP BY status HAVING COUNT(*) >= 2 ORDER BY COUNT(*) DESC, status ASC",
        "SELECT products.category, SUM(order_items.quantity) FROM products JOIN order_items ON order_items.product_id = products.id GROUP BY products.category",
        "SELECT price - 10, price / 2 FROM products WHERE id = 3",
        "SELECT name FROM customers WHERE LOWER(city) = 'boston' LIMIT 10",
        "SELECT * FROM orders WHERE id <> 4 AND id != 5 AND customer_id <= 3",
        "SELECT name FROM products WHERE name NOT LIKE 'USB%' AND price < -1.5 OR price >= 200.25",
    ];

    public static readonly string[] BadQueries =
    [
        // Data changes.
        "INSERT INTO customers (id, name, city, joined) VALUES (9, 'Eve', 'Paris', '2024-01-01')",
        "INSERT INTO customers SELECT * FROM customers",
        "INSERT OR REPLACE INTO products (id, name, category, price) VALUES (1, 'x', 'y', 1)",
        "REPLACE INTO products (id, name, category, price) VALUES (1, 'x', 'y', 1)",
        "UPDATE products SET price = 0",
        "UPDATE customers SET name = 'x' WHERE id = 1 RETURNING *",
        "DELETE FROM orders",
        "DELETE FROM order_items WHERE order_id IN (SELECT id FROM orders)",

        // Schema changes.
        "DROP TABLE customers",
        "DROP VIEW IF EXISTS v",
        "CREATE TABLE t (x INTEGER)",
        "CREATE TEMP TABLE t AS SELECT * FROM customers",
        "CREATE VIEW v AS SELECT * FROM customers",
        "CREATE INDEX i ON customers (name)",
        "ALTER TABLE customers ADD COLUMN age INTEGER",
        "ALTER TABLE customers RENAME TO people",

        // Database commands.
        "PRAGMA table_info(customers)",
        "PRAGMA writable_schema = ON",
        "ATTACH DATABASE 'other.db' AS other",
        "ATTACH ':memory:' AS m",
        "DETACH DATABASE main",
        "VACUUM",
        "ANALYZE",
        "REINDEX",
        "BEGIN TRANSACTION",
        "COMMIT",
        "SAVEPOINT a",
        "EXPLAIN SELECT * FROM customers",
        "EXPLAIN QUERY PLAN SELECT * FROM customers",

        // More than one statement, some behind comments.
        "SELECT * FROM customers; DROP TABLE customers",
        "SELECT * FROM customers; SELECT * FROM orders",
        "SELECT * FROM customers -- comment\n; DELETE FROM orders",
        "SELECT * FROM customers /* hidden */; DROP TABLE orders",
        "SELECT * FROM customers;\nDELETE FROM orders;",
        "SELECT * FROM customers WHERE id = 1 OR 1 = 1; DROP TABLE orders",
        "SELECT * FROM customers WHERE name = 'x'; -- then\nATTACH 'x' AS y",

        // Unknown or internal tables.
        "SELECT * FROM secrets",
        "SELECT * FROM sqlite_master",
        "SELECT * FROM sqlite_schema",
        "SELECT * FROM temp.customers",
        "SELECT * FROM pragma_table_info('customers')",
        "SELECT * FROM customers WHERE 1 = (SELECT COUNT(*) FROM sqlite_master)",

        // Unknown columns.
        "SELECT password FROM customers",
        "SELECT customers.price FROM customers",
        "SELECT name FROM customers WHERE age > 30",
        "SELECT orders.total FROM orders",

        // Functions that are unknown or not allowed.
        "SELECT load_extension('evil.so') FROM customers",
        "SELECT sqlite_version() FROM customers",
        "SELECT randomblob(1000000) FROM customers",
        "SELECT name FROM customers WHERE unknown_fn(name) = 1",
        "SELECT writefile('x', 'y') FROM customers",

        // Recursion, nothing at all.
        "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT x FROM c",
        "",
        "-- just a comment",
    ];
}
