using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Declarative.Pipeline;

/// <summary>
/// A persistent cache of chat responses in one SQLite file (WAL mode), shared safely by threads and by several
/// processes. Entries are JSON. A corrupted or truncated file is moved aside with a warning and a fresh one is created;
/// the cache never takes a program down.
/// </summary>
/// <remarks>Add it to a pipeline with <see cref="ChatClientBuilderExtensions.UseSqliteCache(ChatClientBuilder, SqliteChatCache)"/>.</remarks>
public sealed class SqliteChatCache : IDisposable
{
    private const int SqliteCorrupt = 11;
    private const int SqliteNotADatabase = 26;

    private readonly string connectionString;
    private readonly ILogger logger;
    private readonly TimeProvider time;
    private readonly object recoveryLock = new();
    private long hits;
    private long misses;
    private bool disposed;

    /// <summary>Opens (or creates) the cache file.</summary>
    /// <param name="path">The SQLite file; its folder is created if needed.</param>
    /// <param name="logger">Receives warnings (a file moved aside, a failed write); default none.</param>
    /// <param name="timeProvider">The clock for entry timestamps; default the system clock.</param>
    public SqliteChatCache(string path, ILogger? logger = null, TimeProvider? timeProvider = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        Path = System.IO.Path.GetFullPath(path);
        this.logger = logger ?? NullLogger.Instance;
        time = timeProvider ?? TimeProvider.System;
        if (System.IO.Path.GetDirectoryName(Path) is { Length: > 0 } folder)
        {
            Directory.CreateDirectory(folder);
        }

        connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = Path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();
        Initialize();
    }

    /// <summary>The full path of the cache file.</summary>
    public string Path { get; }

    /// <summary>How many lookups found an entry since this instance was created.</summary>
    public long Hits => Interlocked.Read(ref hits);

    /// <summary>How many lookups found nothing since this instance was created.</summary>
    public long Misses => Interlocked.Read(ref misses);

    /// <summary>The number of entries in the file.</summary>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>The count.</returns>
    public async Task<long> CountAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM entries";
        return (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    /// <summary>Looks up a response by key.</summary>
    /// <param name="key">The cache key.</param>
    /// <param name="cancellationToken">Cancels the lookup.</param>
    /// <returns>The response, or <see langword="null"/> on a miss (or when the file could not be read, after a warning).</returns>
    public async Task<ChatResponse?> TryGetAsync(string key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        ObjectDisposedException.ThrowIf(disposed, this);
        try
        {
            await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT response FROM entries WHERE key = $key";
            command.Parameters.AddWithValue("$key", key);
            if (await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is string json)
            {
                var response = JsonSerializer.Deserialize(json, AIJsonUtilities.DefaultOptions.GetTypeInfo(typeof(ChatResponse))) as ChatResponse;
                if (response is not null)
                {
                    Interlocked.Increment(ref hits);
                    return response;
                }
            }
        }
        catch (SqliteException ex) when (IsCorruption(ex))
        {
            Recover(ex);
        }
        catch (JsonException ex)
        {
            logger.LogWarning(ex, "Cache entry {Key} in {Path} is not valid JSON; treating it as a miss.", key, Path);
        }

        Interlocked.Increment(ref misses);
        return null;
    }

    /// <summary>Stores a response (replacing any entry with the same key).</summary>
    /// <param name="key">The cache key.</param>
    /// <param name="response">The response.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when the entry is written (or the failure has been logged).</returns>
    public async Task SetAsync(string key, ChatResponse response, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(response);
        ObjectDisposedException.ThrowIf(disposed, this);
        var json = JsonSerializer.Serialize(response, AIJsonUtilities.DefaultOptions.GetTypeInfo(typeof(ChatResponse)));
        try
        {
            await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var command = connection.CreateCommand();
            command.CommandText = "INSERT OR REPLACE INTO entries (key, response, created_at) VALUES ($key, $response, $created)";
            command.Parameters.AddWithValue("$key", key);
            command.Parameters.AddWithValue("$response", json);
            command.Parameters.AddWithValue("$created", time.GetUtcNow().ToString("O"));
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (SqliteException ex) when (IsCorruption(ex))
        {
            Recover(ex);
        }
        catch (SqliteException ex)
        {
            logger.LogWarning(ex, "Could not write to the cache {Path}; the response is used but not cached.", Path);
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (!disposed)
        {
            disposed = true;
            using var connection = new SqliteConnection(connectionString);
            SqliteConnection.ClearPool(connection);
        }
    }

    private async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        return connection;
    }

    private void Initialize()
    {
        try
        {
            CreateSchema(check: File.Exists(Path));
        }
        catch (SqliteException ex) when (IsCorruption(ex) || ex.Message.Contains("malformed", StringComparison.OrdinalIgnoreCase))
        {
            Recover(ex);
        }
    }

    private void CreateSchema(bool check)
    {
        using var connection = new SqliteConnection(connectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        if (check)
        {
            command.CommandText = "PRAGMA quick_check";
            var result = command.ExecuteScalar() as string;
            if (!string.Equals(result, "ok", StringComparison.Ordinal))
            {
                throw new SqliteException($"integrity check failed: {result}", SqliteCorrupt);
            }
        }

        command.CommandText = """
            PRAGMA journal_mode = WAL;
            PRAGMA synchronous = NORMAL;
            CREATE TABLE IF NOT EXISTS entries (
                key TEXT PRIMARY KEY NOT NULL,
                response TEXT NOT NULL,
                created_at TEXT NOT NULL
            );
            """;
        command.ExecuteNonQuery();
    }

    private void Recover(Exception cause)
    {
        lock (recoveryLock)
        {
            using (var probe = new SqliteConnection(connectionString))
            {
                SqliteConnection.ClearPool(probe);
            }

            var aside = $"{Path}.corrupt-{time.GetUtcNow():yyyyMMddHHmmssfff}";
            try
            {
                if (File.Exists(Path))
                {
                    File.Move(Path, aside);
                }

                foreach (var suffix in new[] { "-wal", "-shm" })
                {
                    if (File.Exists(Path + suffix))
                    {
                        File.Move(Path + suffix, aside + suffix);
                    }
                }

                logger.LogWarning(cause, "The cache file {Path} is corrupted; moved it to {Aside} and started a fresh cache.", Path, aside);
                CreateSchema(check: false);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or SqliteException)
            {
                logger.LogWarning(ex, "The cache file {Path} is corrupted and could not be replaced; calls go uncached.", Path);
            }
        }
    }

    private static bool IsCorruption(SqliteException ex) =>
        ex.SqliteErrorCode is SqliteCorrupt or SqliteNotADatabase;
}
