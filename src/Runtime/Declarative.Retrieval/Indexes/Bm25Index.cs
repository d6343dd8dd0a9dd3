using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;

namespace Declarative.Retrieval;

/// <summary>
/// A BM25 keyword index in a SQLite file (FTS5, <c>unicode61</c> tokenizer with diacritics removed). User queries are
/// never passed to FTS5 as syntax: they are cut into words, each word is quoted, and the words are OR-ed, so quotes,
/// <c>NEAR</c>, <c>*</c>, column filters or parentheses in a query are searched as text and cannot fail or inject.
/// </summary>
/// <remarks>Thread-safe (calls are serialized on one connection). Hits carry the stored text under <see cref="Passage.TextKey"/> in their metadata.</remarks>
public sealed partial class Bm25Index : IDisposable
{
    private readonly object gate = new();
    private readonly SqliteConnection connection;

    /// <summary>Opens (or creates) an index in a SQLite file.</summary>
    /// <param name="path">The database file; <c>:memory:</c> for a private in-memory index.</param>
    public Bm25Index(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        connection.Open();
        Execute(path == ":memory:" ? "PRAGMA journal_mode=MEMORY;" : "PRAGMA journal_mode=WAL;");
        Execute("""
            CREATE TABLE IF NOT EXISTS items(rowid INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, metadata TEXT NOT NULL);
            CREATE VIRTUAL TABLE IF NOT EXISTS fts USING fts5(text, tokenize = 'unicode61 remove_diacritics 2');
            """);
    }

    /// <summary>The number of indexed texts.</summary>
    public int Count
    {
        get
        {
            lock (gate)
            {
                using var command = connection.CreateCommand();
                command.CommandText = "SELECT count(*) FROM items";
                return Convert.ToInt32(command.ExecuteScalar(), CultureInfo.InvariantCulture);
            }
        }
    }

    /// <summary>Indexes chunks (id, text and metadata), replacing any with the same id, in one transaction.</summary>
    /// <param name="chunks">The chunks.</param>
    public void Add(IEnumerable<Chunk> chunks)
    {
        ArgumentNullException.ThrowIfNull(chunks);
        Add(chunks.Select(c => (c.Id, c.Text, (IReadOnlyDictionary<string, string>?)Passage.MetadataOf(c, includeText: false))));
    }

    /// <summary>Indexes texts, replacing any with the same id, in one transaction.</summary>
    /// <param name="items">Id, text and metadata (or <see langword="null"/>) of each.</param>
    public void Add(IEnumerable<(string Id, string Text, IReadOnlyDictionary<string, string>? Metadata)> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        lock (gate)
        {
            using var transaction = connection.BeginTransaction();
            using var find = Command("SELECT rowid FROM items WHERE id = $id", transaction);
            using var deleteItem = Command("DELETE FROM items WHERE rowid = $r", transaction);
            using var deleteText = Command("DELETE FROM fts WHERE rowid = $r", transaction);
            using var insertItem = Command("INSERT INTO items(id, metadata) VALUES ($id, $m) RETURNING rowid", transaction);
            using var insertText = Command("INSERT INTO fts(rowid, text) VALUES ($r, $t)", transaction);
            foreach (var (id, text, metadata) in items)
            {
                ArgumentException.ThrowIfNullOrEmpty(id);
                ArgumentNullException.ThrowIfNull(text);
                find.Parameters.Clear();
                find.Parameters.AddWithValue("$id", id);
                if (find.ExecuteScalar() is long existing)
                {
                    foreach (var delete in new[] { deleteItem, deleteText })
                    {
                        delete.Parameters.Clear();
                        delete.Parameters.AddWithValue("$r", existing);
                        delete.ExecuteNonQuery();
                    }
                }

                insertItem.Parameters.Clear();
                insertItem.Parameters.AddWithValue("$id", id);
                insertItem.Parameters.AddWithValue("$m", JsonSerializer.Serialize(metadata ?? new Dictionary<string, string>()));
                var rowid = (long)insertItem.ExecuteScalar()!;
                insertText.Parameters.Clear();
                insertText.Parameters.AddWithValue("$r", rowid);
                insertText.Parameters.AddWithValue("$t", text);
                insertText.ExecuteNonQuery();
            }

            transaction.Commit();
        }
    }

    /// <summary>Removes a text.</summary>
    /// <param name="id">Its id.</param>
    /// <returns>Whether it was there.</returns>
    public bool Remove(string id)
    {
        lock (gate)
        {
            using var transaction = connection.BeginTransaction();
            using var find = Command("SELECT rowid FROM items WHERE id = $id", transaction);
            find.Parameters.AddWithValue("$id", id);
            if (find.ExecuteScalar() is not long rowid)
            {
                return false;
            }

            using var delete = Command("DELETE FROM items WHERE rowid = $r; DELETE FROM fts WHERE rowid = $r;", transaction);
            delete.Parameters.AddWithValue("$r", rowid);
            delete.ExecuteNonQuery();
            transaction.Commit();
            return true;
        }
    }

    /// <summary>The <paramref name="k"/> texts that best match the words of <paramref name="query"/> by BM25, best first.</summary>
    /// <param name="query">Free text; any FTS5 syntax in it is searched as plain words.</param>
    /// <param name="k">How many hits at most.</param>
    /// <param name="filter">Metadata pairs a hit must all have; <see langword="null"/> for none. Keys may not contain <c>"</c>.</param>
    /// <returns>Hits with score <c>-bm25</c> (higher is better); none when the query has no words.</returns>
    public IReadOnlyList<VectorHit> Search(string query, int k, IReadOnlyDictionary<string, string>? filter = null)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        var match = ToMatchExpression(query);
        if (match.Length == 0)
        {
            return [];
        }

        // Without a filter, FTS5 ranks and limits on its own before anything is joined; with one, the metadata must be
        // joined before the limit.
        var sql = new StringBuilder(filter is null || filter.Count == 0
            ? "SELECT items.id, items.metadata, fts.text, r.s FROM (SELECT rowid, rank AS s FROM fts WHERE fts MATCH $q ORDER BY rank LIMIT $k) AS r JOIN items ON items.rowid = r.rowid JOIN fts ON fts.rowid = r.rowid WHERE 1"
            : "SELECT items.id, items.metadata, fts.text, fts.rank AS s FROM fts JOIN items ON items.rowid = fts.rowid WHERE fts MATCH $q");
        lock (gate)
        {
            using var command = connection.CreateCommand();
            command.Parameters.AddWithValue("$q", match);
            var i = 0;
            foreach (var (key, value) in filter ?? new Dictionary<string, string>())
            {
                if (key.Contains('"', StringComparison.Ordinal))
                {
                    throw new ArgumentException($"Filter key '{key}' contains a double quote; metadata keys used in filters may not.", nameof(filter));
                }

                sql.Append(CultureInfo.InvariantCulture, $" AND json_extract(items.metadata, $p{i}) = $v{i}");
                command.Parameters.AddWithValue($"$p{i}", $"$.\"{key}\"");
                command.Parameters.AddWithValue($"$v{i}", value);
                i++;
            }

            sql.Append(" ORDER BY s LIMIT $k");
            command.Parameters.AddWithValue("$k", k);
            command.CommandText = sql.ToString();
            var hits = new List<VectorHit>();
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                var metadata = JsonSerializer.Deserialize<Dictionary<string, string>>(reader.GetString(1)) ?? [];
                metadata[Passage.TextKey] = reader.GetString(2);
                hits.Add(new VectorHit(reader.GetString(0), (float)-reader.GetDouble(3), metadata));
            }

            return hits;
        }
    }

    /// <inheritdoc />
    public void Dispose() => connection.Dispose();

    /// <summary>The FTS5 expression for a user query: its words, each quoted, joined with OR.</summary>
    internal static string ToMatchExpression(string query) =>
        string.Join(" OR ", Word().Matches(query).Select(m => m.Value).Distinct(StringComparer.Ordinal).Select(w => "\"" + w + "\""));

    [GeneratedRegex(@"[\p{L}\p{N}\p{Mn}\p{Mc}_]+")]
    private static partial Regex Word();

    private SqliteCommand Command(string sql, SqliteTransaction transaction)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        return command;
    }

    private void Execute(string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
