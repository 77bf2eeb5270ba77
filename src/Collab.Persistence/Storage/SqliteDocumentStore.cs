using System.Security.Cryptography;
using Collab.Yjs;
using Microsoft.Data.Sqlite;

namespace Collab.Persistence.Storage;

/// <summary>
/// <see cref="IDocumentStore"/> on one SQLite file in WAL mode: table <c>documents(name, data, updated_at, checksum)</c>,
/// one row per document holding its merged state as a Yjs v1 update. The table is compatible with the one written by
/// Hocuspocus' SQLite extension (<c>name</c>, <c>data</c>); the extra columns are added when missing. Every operation
/// uses its own pooled connection, so the store is safe to use from any number of threads; writers are serialised by
/// SQLite (busy waits up to <see cref="BusyTimeout"/>), readers never block them.
/// </summary>
public sealed class SqliteDocumentStore : IDocumentStore, IDisposable
{
    private static readonly TimeSpan BusyTimeout = TimeSpan.FromSeconds(30);

    private readonly string _connectionString;
    private readonly TimeProvider _timeProvider;
    private readonly SemaphoreSlim _initLock = new(1, 1);
    private volatile bool _initialized;

    /// <summary>Opens (lazily, on first use) the database file at <paramref name="filePath"/>, creating it and its folder when missing.</summary>
    public SqliteDocumentStore(string filePath, TimeProvider? timeProvider = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(filePath);
        FilePath = Path.GetFullPath(filePath);
        _timeProvider = timeProvider ?? TimeProvider.System;
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = FilePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            DefaultTimeout = (int)BusyTimeout.TotalSeconds,
            Pooling = true,
        }.ToString();
    }

    /// <summary>The absolute path of the database file.</summary>
    public string FilePath { get; }

    public async Task<byte[]?> LoadAsync(string documentName, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(documentName);
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT data, typeof(data), checksum FROM documents WHERE name = $name ORDER BY rowid DESC LIMIT 1";
        command.Parameters.AddWithValue("$name", documentName);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        return ReadState(documentName, reader);
    }

    public async Task StoreAsync(string documentName, ReadOnlyMemory<byte> state, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(documentName);
        if (state.IsEmpty)
        {
            throw new ArgumentException("A document state is never empty (an empty document encodes as two bytes).", nameof(state));
        }

        await using var connection = await OpenAsync(cancellationToken);
        await UpsertAsync(connection, null, documentName, state.ToArray(), cancellationToken);
    }

    public async Task MergeAsync(string documentName, ReadOnlyMemory<byte> update, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(documentName);
        if (update.IsEmpty)
        {
            throw new ArgumentException("An update is never empty.", nameof(update));
        }

        await using var connection = await OpenAsync(cancellationToken);
        // BEGIN IMMEDIATE: take the write lock before reading, so concurrent merges cannot lose each other's updates.
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(System.Data.IsolationLevel.Serializable, cancellationToken);
        byte[]? existing = null;
        await using (var select = connection.CreateCommand())
        {
            select.Transaction = transaction;
            select.CommandText = "SELECT data, typeof(data), checksum FROM documents WHERE name = $name ORDER BY rowid DESC LIMIT 1";
            select.Parameters.AddWithValue("$name", documentName);
            await using var reader = await select.ExecuteReaderAsync(cancellationToken);
            if (await reader.ReadAsync(cancellationToken))
            {
                existing = ReadState(documentName, reader);
            }
        }

        var merged = existing is null ? update.ToArray() : YUpdates.MergeUpdates([existing, update.ToArray()]);
        await UpsertAsync(connection, transaction, documentName, merged, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    public async Task<bool> DeleteAsync(string documentName, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(documentName);
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "DELETE FROM documents WHERE name = $name";
        command.Parameters.AddWithValue("$name", documentName);
        return await command.ExecuteNonQueryAsync(cancellationToken) > 0;
    }

    public async Task<IReadOnlyList<StoredDocumentInfo>> ListAsync(string? prefix = null, string? after = null, int limit = 1000, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT name, length(data), updated_at FROM documents
            WHERE ($prefix IS NULL OR (name >= $prefix AND substr(name, 1, length($prefix)) = $prefix))
              AND ($after IS NULL OR name > $after)
            ORDER BY name LIMIT $limit
            """;
        command.Parameters.AddWithValue("$prefix", string.IsNullOrEmpty(prefix) ? DBNull.Value : prefix);
        command.Parameters.AddWithValue("$after", after is null ? DBNull.Value : after);
        command.Parameters.AddWithValue("$limit", limit);
        var result = new List<StoredDocumentInfo>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var updatedAt = reader.IsDBNull(2) ? 0 : reader.GetInt64(2);
            result.Add(new StoredDocumentInfo(reader.GetString(0), reader.IsDBNull(1) ? 0 : reader.GetInt64(1), DateTimeOffset.FromUnixTimeMilliseconds(updatedAt)));
        }

        return result;
    }

    /// <summary>Creates the file, the schema and switches to WAL now instead of on first use (a health probe, a fail-fast start).</summary>
    public async Task InitializeAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
    }

    /// <summary>Releases the pooled connections (and with them the file handles).</summary>
    public void Dispose()
    {
        using var connection = new SqliteConnection(_connectionString);
        SqliteConnection.ClearPool(connection);
        _initLock.Dispose();
    }

    private static byte[] ReadState(string documentName, SqliteDataReader reader)
    {
        var type = reader.GetString(1);
        if (type != "blob")
        {
            throw new DocumentStoreCorruptedException(documentName, $"the data column holds a value of type {type}, not a blob.");
        }

        var data = reader.GetFieldValue<byte[]>(0);
        if (data.Length == 0)
        {
            throw new DocumentStoreCorruptedException(documentName, "the stored state is empty.");
        }

        if (!reader.IsDBNull(2) && !reader.GetFieldValue<byte[]>(2).AsSpan().SequenceEqual(SHA256.HashData(data)))
        {
            throw new DocumentStoreCorruptedException(documentName, "the checksum of the stored state does not match.");
        }

        return data;
    }

    private async Task UpsertAsync(SqliteConnection connection, SqliteTransaction? transaction, string documentName, byte[] state, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = """
            INSERT INTO documents (name, data, updated_at, checksum) VALUES ($name, $data, $updatedAt, $checksum)
            ON CONFLICT(name) DO UPDATE SET data = excluded.data, updated_at = excluded.updated_at, checksum = excluded.checksum
            """;
        command.Parameters.AddWithValue("$name", documentName);
        command.Parameters.Add("$data", SqliteType.Blob).Value = state;
        command.Parameters.AddWithValue("$updatedAt", _timeProvider.GetUtcNow().ToUnixTimeMilliseconds());
        command.Parameters.Add("$checksum", SqliteType.Blob).Value = SHA256.HashData(state);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        if (!_initialized)
        {
            await InitializeSchemaAsync(cancellationToken);
        }

        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    private async Task InitializeSchemaAsync(CancellationToken cancellationToken)
    {
        await _initLock.WaitAsync(cancellationToken);
        try
        {
            if (_initialized)
            {
                return;
            }

            SqliteNative.EnsureInitialized();
            if (Path.GetDirectoryName(FilePath) is { Length: > 0 } directory)
            {
                Directory.CreateDirectory(directory);
            }

            await using var connection = new SqliteConnection(_connectionString);
            await connection.OpenAsync(cancellationToken);
            await SqliteSchema.ApplyAsync(connection, cancellationToken);
            _initialized = true;
        }
        finally
        {
            _initLock.Release();
        }
    }
}
