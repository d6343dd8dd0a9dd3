-- The sample shop database of Declarative's text-to-SQL: customers, products, orders and their items.
CREATE TABLE customers (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    email TEXT,
    city TEXT NOT NULL,
    joined DATE NOT NULL
);

CREATE TABLE products (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    category TEXT NOT NULL,
    price REAL NOT NULL
);

CREATE TABLE orders (
    id INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customers (id),
    ordered DATE NOT NULL,
    status TEXT NOT NULL
);

CREATE TABLE order_items (
    order_id INTEGER NOT NULL REFERENCES orders (id),
    product_id INTEGER NOT NULL REFERENCES products (id),
    quantity INTEGER NOT NULL,
    "unit price" REAL NOT NULL,
    PRIMARY KEY (order_id, product_id)
);

INSERT INTO customers (id, name, email, city, joined) VALUES
    (1, 'Ada Lovelace', 'ada@example.com', 'London', '2023-01-15'),
    (2, 'Alan Turing', 'alan@example.com', 'Manchester', '2023-03-02'),
    (3, 'Grace Hopper', NULL, 'New York', '2023-05-20'),
    (4, 'Edsger Dijkstra', 'edsger@example.com', 'Amsterdam', '2023-07-11'),
    (5, 'Barbara Liskov', 'barbara@example.com', 'Boston', '2024-01-08'),
    (6, 'Donald Knuth', NULL, 'Stanford', '2024-02-29'),
    (7, 'Margaret Hamilton', 'margaret@example.com', 'Boston', '2024-06-30'),
    (8, 'Tim O''Brien', 'tim@example.com', 'London', '2024-09-12');

INSERT INTO products (id, name, category, price) VALUES
    (1, 'Mechanical keyboard', 'hardware', 89.5),
    (2, 'Wireless mouse', 'hardware', 24.99),
    (3, '27-inch monitor', 'hardware', 219.0),
    (4, 'USB-C cable', 'accessories', 9.99),
    (5, 'Laptop stand', 'accessories', 39.0),
    (6, 'Compiler textbook', 'books', 64.0),
    (7, 'Algorithms textbook', 'books', 72.5),
    (8, 'Noise-cancelling headphones', 'audio', 149.0);

INSERT INTO orders (id, customer_id, ordered, status) VALUES
    (1, 1, '2024-01-05', 'delivered'),
    (2, 1, '2024-03-17', 'delivered'),
    (3, 2, '2024-02-11', 'delivered'),
    (4, 3, '2024-04-01', 'shipped'),
    (5, 4, '2024-04-22', 'delivered'),
    (6, 5, '2024-05-03', 'cancelled'),
    (7, 5, '2024-06-19', 'delivered'),
    (8, 6, '2024-07-07', 'shipped'),
    (9, 7, '2024-08-14', 'pending'),
    (10, 8, '2024-09-30', 'pending'),
    (11, 2, '2024-10-02', 'shipped'),
    (12, 1, '2024-11-11', 'pending');

INSERT INTO order_items (order_id, product_id, quantity, "unit price") VALUES
    (1, 1, 1, 89.5), (1, 4, 2, 9.99),
    (2, 6, 1, 64.0), (2, 7, 1, 72.5),
    (3, 3, 2, 219.0), (3, 2, 1, 24.99),
    (4, 8, 1, 149.0),
    (5, 7, 1, 72.5), (5, 5, 1, 39.0), (5, 4, 3, 9.99),
    (6, 1, 1, 89.5),
    (7, 2, 2, 24.99), (7, 8, 1, 139.0),
    (8, 6, 2, 64.0),
    (9, 3, 1, 219.0), (9, 5, 2, 39.0),
    (10, 4, 5, 9.99), (10, 2, 1, 24.99),
    (11, 7, 1, 72.5), (11, 1, 1, 85.0),
    (12, 8, 1, 149.0), (12, 6, 1, 60.0);
