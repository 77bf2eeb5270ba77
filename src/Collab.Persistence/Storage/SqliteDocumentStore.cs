using System.Security.Cryptography;
using Microsoft.Data.Sqlite;

namespace Collab.Persistence.Storage;

/// <summary>
/// <see cref="IDocumentStore"/> on one SQLite file in WAL mode: table <c>documents(name, data, updated_at, checksum)</c>,
/// one row per document holding its merged state as a Yjs v1 update. The table is compatible with the one written by
/// Hocuspocus' SQLite extension (<c>name</c>, <c>data</c>); the extra columns are added when missing. Reads use
/// pooled connections, so the store is safe to use from any number of threads. Writes (store, merge, delete) are
/// queued for one dedicated writer thread that commits everything queued in one transaction (group commit, see
/// <see cref="SqliteWriter"/>): they never block the caller's thread, and readers never block them (WAL). Another
/// process writing the same file is waited for up to <see cref="BusyTimeout"/>. As an <see cref="IUpdateLog"/> it keeps
/// appended updates in two append-only log tables (no per-document index) that take turns: once the stores covered
/// every entry of the table that no longer takes appends (<c>log_sequence</c>), the writer empties it at once
/// (<see cref="SqliteLogTables"/>); <see cref="LoadAsync"/> returns the state merged with
/// the updates after it. Commits use <c>synchronous=FULL</c> unless told otherwise: what a commit returned survives a power loss.
/// </summary>
public sealed class SqliteDocumentStore : IDocumentStore, IUpdateLog, IDisposable
{
    internal const string SelectStateSql = "SELECT data, typeof(data), checksum FROM documents WHERE name = $name ORDER BY rowid DESC LIMIT 1";

    private static readonly TimeSpan BusyTimeout = TimeSpan.FromSeconds(30);

    private readonly string _connectionString;
    private readonly TimeProvider _timeProvider;
    private readonly SemaphoreSlim _initLock = new(1, 1);
    private readonly SqliteWriter _writer;
    private readonly bool _synchronousFull;
    private volatile bool _initialized;
    private volatile bool _disposed;

    /// <summary>Opens (lazily, on first use) the database file at <paramref name="filePath"/>, creating it and its folder when missing.</summary>
    /// <param name="filePath">The database file.</param>
    /// <param name="timeProvider">The clock of <c>updated_at</c>.</param>
    /// <param name="synchronousFull">
    /// SQLite <c>synchronous=FULL</c> for writes (a commit survives power loss); false: NORMAL (in WAL mode a commit
    /// survives the process being killed, not a power loss, and does not wait for the disk).
    /// </param>
    public SqliteDocumentStore(string filePath, TimeProvider? timeProvider = null, bool synchronousFull = true)
    {
        _synchronousFull = synchronousFull;
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
        _writer = new SqliteWriter(OpenWriterConnection, _timeProvider);
    }

    /// <summary>The absolute path of the database file.</summary>
    public string FilePath { get; }

    /// <summary>The writer, for tests (its seam and queue length).</summary>
    internal SqliteWriter Writer => _writer;

    /// <remarks>The stored state merged with the logged updates after it, if any (read only: nothing is written).</remarks>
    public async Task<byte[]?> LoadAsync(string documentName, CancellationToken cancellationToken = default)
    {
        var loaded = await LoadLoggedAsync(documentName, cancellationToken);
        return loaded switch
        {
            null => null,
            { Updates.Count: 0 } => loaded.State,
            _ => MergeLogged(documentName, loaded),
        };
    }

    public async Task<LoggedDocument?> LoadLoggedAsync(string documentName, CancellationToken cancellationToken = default)
    {
        DocumentKeys.Validate(documentName);
        await using var connection = await OpenAsync(cancellationToken);
        // one read transaction: the state and the log seen at the same moment
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        byte[]? state = null;
        long covered = 0;
        await using (var select = connection.CreateCommand())
        {
            select.Transaction = transaction;
            select.CommandText = SelectStateSql.Replace("SELECT data, typeof(data), checksum", "SELECT data, typeof(data), checksum, log_sequence", StringComparison.Ordinal);
            select.Parameters.AddWithValue("$name", documentName);
            await using var reader = await select.ExecuteReaderAsync(cancellationToken);
            if (await reader.ReadAsync(cancellationToken))
            {
                state = ReadState(documentName, reader);
                covered = reader.GetInt64(3);
            }
        }

        var updates = new List<byte[]>();
        var last = covered;
        await using (var log = connection.CreateCommand())
        {
            log.Transaction = transaction;
            log.CommandText = "SELECT data, sequence FROM document_log WHERE name = $name AND sequence > $covered ORDER BY sequence";
            log.Parameters.AddWithValue("$name", documentName);
            log.Parameters.AddWithValue("$covered", covered);
            await using var reader = await log.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                updates.Add(reader.GetFieldValue<byte[]>(0));
                last = Math.Max(last, reader.GetInt64(1));
            }
        }

        return state is null && updates.Count == 0 ? null : new LoggedDocument(state, updates, last);
    }

    private static byte[] MergeLogged(string documentName, LoggedDocument loaded)
    {
        try
        {
            return Collab.Yjs.YUpdates.MergeUpdates(loaded.State is null ? loaded.Updates : [loaded.State, .. loaded.Updates]);
        }
        catch (Collab.Yjs.Lib0.YjsDecodingException e)
        {
            throw new DocumentStoreCorruptedException(documentName, "a logged update is not a valid Yjs update.", e);
        }
    }

    /// <remarks>Queued for the writer thread; a newer state of the same document queued before the writer takes this one replaces it.</remarks>
    public Task StoreAsync(string documentName, ReadOnlyMemory<byte> state, CancellationToken cancellationToken = default)
    {
        DocumentKeys.Validate(documentName);
        if (state.IsEmpty)
        {
            throw new ArgumentException("A document state is never empty (an empty document encodes as two bytes).", nameof(state));
        }

        return WriteAsync(SqliteWriteKind.Store, documentName, state.ToArray(), cancellationToken);
    }

    /// <remarks>Queued for the writer thread, like every write: the appends that are queued together commit together.</remarks>
    public void Append(string documentName, long sequence, ReadOnlyMemory<byte> update, Action<Exception?> committed)
    {
        DocumentKeys.Validate(documentName);
        ArgumentNullException.ThrowIfNull(committed);
        ArgumentOutOfRangeException.ThrowIfNegative(sequence);
        if (update.IsEmpty)
        {
            throw new ArgumentException("An update is never empty.", nameof(update));
        }

        ObjectDisposedException.ThrowIf(_disposed, this);
        _ = _writer.Enqueue(SqliteWriteKind.Append, documentName, update.ToArray(), sequence, committed);
    }

    /// <remarks>Queued for the writer thread; coalesced with a newer store of the same document like <see cref="StoreAsync(string, ReadOnlyMemory{byte}, CancellationToken)"/>.</remarks>
    public Task StoreAsync(string documentName, ReadOnlyMemory<byte> state, long coveredSequence, CancellationToken cancellationToken = default)
    {
        DocumentKeys.Validate(documentName);
        ArgumentOutOfRangeException.ThrowIfNegative(coveredSequence);
        if (state.IsEmpty)
        {
            throw new ArgumentException("A document state is never empty (an empty document encodes as two bytes).", nameof(state));
        }

        return WriteAsync(SqliteWriteKind.Store, documentName, state.ToArray(), cancellationToken, coveredSequence);
    }

    public async Task<long> CountLoggedAsync(string documentName, CancellationToken cancellationToken = default)
    {
        DocumentKeys.Validate(documentName);
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM document_log WHERE name = $name";
        command.Parameters.AddWithValue("$name", documentName);
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <remarks>Queued for the writer thread, which reads, merges and writes in its transaction.</remarks>
    public Task MergeAsync(string documentName, ReadOnlyMemory<byte> update, CancellationToken cancellationToken = default)
    {
        DocumentKeys.Validate(documentName);
        if (update.IsEmpty)
        {
            throw new ArgumentException("An update is never empty.", nameof(update));
        }

        return WriteAsync(SqliteWriteKind.Merge, documentName, update.ToArray(), cancellationToken);
    }

    /// <remarks>Queued for the writer thread.</remarks>
    public Task<bool> DeleteAsync(string documentName, CancellationToken cancellationToken = default)
    {
        DocumentKeys.Validate(documentName);
        return WriteAsync(SqliteWriteKind.Delete, documentName, [], cancellationToken);
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

    /// <summary>
    /// Stops accepting writes, commits the queued ones and stops the writer thread (blocking until then), then releases
    /// the pooled connections (and with them the file handles). Later calls throw <see cref="ObjectDisposedException"/>.
    /// </summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _writer.Dispose();
        using var connection = new SqliteConnection(_connectionString);
        SqliteConnection.ClearPool(connection);
        _initLock.Dispose();
    }

    internal static byte[] ReadState(string documentName, SqliteDataReader reader)
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

    private async Task<bool> WriteAsync(SqliteWriteKind kind, string documentName, byte[] data, CancellationToken cancellationToken, long sequence = -1)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ObjectDisposedException.ThrowIf(_disposed, this);
        var done = _writer.Enqueue(kind, documentName, data, sequence);
        // Cancelling stops the wait, not the write: it may still be committed.
        return cancellationToken.CanBeCanceled ? await done.WaitAsync(cancellationToken) : await done;
    }

    // Runs on the writer thread only, so blocking on the (synchronous underneath) schema set-up blocks no pool thread.
    private SqliteConnection OpenWriterConnection()
    {
        if (!_initialized)
        {
            InitializeSchemaAsync(CancellationToken.None).GetAwaiter().GetResult();
        }

        var connection = new SqliteConnection(_connectionString);
        try
        {
            connection.Open();
            using var synchronous = connection.CreateCommand();
            // a 16 MiB page cache (SQLite's default is 2 MiB): the log's sweep and the stores revisit the same pages every second
            synchronous.CommandText = (_synchronousFull ? "PRAGMA synchronous=FULL;" : "PRAGMA synchronous=NORMAL;") + " PRAGMA cache_size=-16384;";
            synchronous.ExecuteNonQuery();
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    private async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
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
