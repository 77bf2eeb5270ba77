using System.Security.Cryptography;
using Collab.Yjs;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Collab.Persistence.Storage;

/// <summary>
/// The single writer of a <see cref="SqliteDocumentStore"/>. SQLite serialises writers and Microsoft.Data.Sqlite is
/// synchronous under its async API, so concurrent writes from the thread pool would each block a pool thread (in the
/// busy handler) until their turn: hundreds of documents stored at once starve the pool. Instead, writes are queued
/// and one dedicated thread commits everything queued in one transaction (group commit: one fsync for the batch).
/// Stores of the same document still queued are coalesced (the newest full state supersedes the older ones); the
/// order of writes to one document is kept. When a batch fails, its entries are committed one by one so that one
/// bad entry fails only its own callers.
/// </summary>
internal sealed class SqliteWriter(Func<SqliteConnection> open, TimeProvider timeProvider) : IDisposable
{
    /// <summary>Most entries committed in one transaction.</summary>
    public const int MaxBatchEntries = 500;

    /// <summary>
    /// Most bytes of states and merged updates committed in one transaction (a single larger entry still forms a
    /// batch): a burst of debounced stores is committed in slices, and the appends queued meanwhile, whose
    /// acknowledgements wait, go ahead of the rest (<see cref="TakeBatch"/>) instead of waiting for all of it.
    /// </summary>
    public const long MaxWriteBytes = 1024 * 1024;

    private readonly object _sync = new();
    // Appends, and the other writes (stores, merges, deletes), each in the order queued; Ticket orders them across both.
    private readonly Queue<SqliteWrite> _appends = new();
    private readonly Queue<SqliteWrite> _writes = new();
    // The last entry of _writes per document that the writer has not taken yet: a store is coalesced into it when it is a store.
    private readonly Dictionary<string, SqliteWrite> _lastQueued = new(StringComparer.Ordinal);
    private long _tickets;
    private Thread? _thread;
    private bool _stopping;
    private bool _gathering;
    // the update log's two tables, and whether they may hold rows (a sweep is due)
    private readonly SqliteLogTables _log = new();
    private bool _sweepWanted = true;
    private long _lastSweep = Environment.TickCount64;
    private SqliteConnection? _connection;
    // The hot writes' statements, prepared once per connection: preparing the SQL of every append again cost more than
    // the insert itself. The append (thousands a second, each an acknowledgement waits for) binds and steps SQLite's
    // statement directly: Microsoft.Data.Sqlite's command around it (statement enumeration, parameter inference, a
    // reader per execution) was more than half of an append's time on the writer thread.
    private readonly sqlite3_stmt?[] _appendStatements = new sqlite3_stmt?[SqliteLogTables.Names.Length];
    private SqliteCommand? _upsertCommand;

    /// <summary>Test seam: called on the writer thread inside each transaction, before its entries are applied, with their count.</summary>
    internal Action<int>? TransactionStarted { get; set; }

    /// <summary>The update log's tables (their bookkeeping belongs to the writer thread; tests set <see cref="SqliteLogTables.StaleAfter"/> before the first write).</summary>
    internal SqliteLogTables Log => _log;

    /// <summary>Entries queued and not yet taken by the writer.</summary>
    internal int QueuedCount
    {
        get
        {
            lock (_sync)
            {
                return _appends.Count + _writes.Count;
            }
        }
    }

    /// <summary>True once <see cref="Dispose"/> began: no more writes are accepted.</summary>
    internal bool IsStopping
    {
        get
        {
            lock (_sync)
            {
                return _stopping;
            }
        }
    }

    /// <summary>Queues a write; the task completes (on the thread pool) once it is committed or failed.</summary>
    /// <exception cref="ObjectDisposedException">The writer is stopping.</exception>
    public Task<bool> Enqueue(SqliteWriteKind kind, string name, byte[] data, long sequence = -1, Action<Exception?>? committed = null)
    {
        lock (_sync)
        {
            ObjectDisposedException.ThrowIf(_stopping, typeof(SqliteDocumentStore));
            if (kind == SqliteWriteKind.Store && _lastQueued.TryGetValue(name, out var last) && last.Kind == SqliteWriteKind.Store)
            {
                last.Data = data;
                last.Sequence = Math.Max(last.Sequence, sequence);
                return last.Done.Task;
            }

            var write = new SqliteWrite(kind, name, data, sequence) { Committed = committed, Ticket = ++_tickets };
            if (kind == SqliteWriteKind.Append)
            {
                _appends.Enqueue(write);
            }
            else
            {
                _writes.Enqueue(write);
                _lastQueued[name] = write;
            }

            if (_thread is null)
            {
                _thread = new Thread(Run) { IsBackground = true, Name = "Collab SQLite writer" };
                _thread.Start();
            }
            else if (!_gathering || _appends.Count + _writes.Count >= MaxBatchEntries)
            {
                // while the writer gathers appends it is not woken for each one, only for a full batch
                Monitor.Pulse(_sync);
            }

            return write.Done.Task;
        }
    }

    /// <summary>Stops accepting writes, commits what is queued and stops the writer thread.</summary>
    public void Dispose()
    {
        Thread? thread;
        lock (_sync)
        {
            _stopping = true;
            thread = _thread;
            Monitor.PulseAll(_sync);
        }

        if (thread is not null && thread != Thread.CurrentThread)
        {
            thread.Join();
        }
    }

    private void Run()
    {
        try
        {
            while (TakeBatch() is { } batch)
            {
                if (batch.Count > 0)
                {
                    Commit(batch);
                }

                SweepIfDue();
            }

            // stopping, with everything queued committed (the final stores among it): empty the log tables they cover,
            // so that a clean shutdown leaves no log behind
            if (_sweepWanted && _log.Loaded)
            {
                try
                {
                    _log.EmptyCovered(Connection());
                }
                catch (Exception e) when (e is SqliteException or IOException or InvalidOperationException)
                {
                    // the entries stay and are replay-safe: the next start empties them
                }
            }

            // the pages the log tables held go back to the file system
            if (_connection is not null)
            {
                try
                {
                    HandBackFreePages(_connection);
                }
                catch (Exception e) when (e is SqliteException or IOException or InvalidOperationException)
                {
                    // they stay free pages, reused by the next appends
                }
            }
        }
        finally
        {
            ResetConnection();
        }
    }

    /// <summary>How long a batch that starts with an append waits for more before it commits.</summary>
    public static readonly TimeSpan AppendGathering = TimeSpan.FromMilliseconds(3);

    /// <summary>How often the writer checks whether the old log table can be emptied and the tables turned (see <see cref="SqliteLogTables"/>).</summary>
    public static readonly TimeSpan SweepInterval = TimeSpan.FromSeconds(1);

    private void SweepIfDue()
    {
        if (!_sweepWanted || Environment.TickCount64 - _lastSweep < (long)SweepInterval.TotalMilliseconds)
        {
            return;
        }

        _lastSweep = Environment.TickCount64;
        try
        {
            var connection = Connection();
            _log.Turn(connection);
            // idle once both tables are empty: nothing to wake up for until the next append
            _sweepWanted = _log.HasRows;
            if (!_sweepWanted)
            {
                // the edits stopped long enough for the stores to cover the whole log: the pages its tables held go back
                // to the file system (while the log is in use they are reused by the next appends instead)
                HandBackFreePages(connection);
            }
        }
        catch (Exception e) when (e is SqliteException or IOException or InvalidOperationException)
        {
            // the entries stay; the next sweep tries again (they are replay-safe meanwhile)
            ResetConnection();
        }
    }

    /// <summary>Returns the file's free pages to the file system (a no-op for a file made without <c>auto_vacuum</c>, whose free pages stay for reuse).</summary>
    private static void HandBackFreePages(SqliteConnection connection)
    {
        using var vacuum = connection.CreateCommand();
        vacuum.CommandText = "PRAGMA incremental_vacuum";
        vacuum.ExecuteNonQuery();
    }

    /// <summary>The writer's connection, opened (and the log tables' state read) on first use and after a failure.</summary>
    private SqliteConnection Connection()
    {
        if (_connection is { } existing)
        {
            return existing;
        }

        var connection = open();
        try
        {
            if (!_log.Loaded)
            {
                _log.Load(connection);
            }
        }
        catch
        {
            connection.Dispose();
            throw;
        }

        return _connection = connection;
    }

    private void ResetConnection()
    {
        for (var i = 0; i < _appendStatements.Length; i++)
        {
            // finalized before the connection goes (back to the pool)
            _appendStatements[i]?.Dispose();
            _appendStatements[i] = null;
        }

        _upsertCommand?.Dispose();
        _upsertCommand = null;
        _connection?.Dispose();
        _connection = null;
    }

    /// <summary>
    /// Waits for writes and takes the next batch: the queued appends first (their acknowledgements wait for the commit),
    /// then stores, merges and deletes in their order up to <see cref="MaxWriteBytes"/>. Appends may overtake stores
    /// (what a store covers is a change sequence, not a position in the queue), never a merge or a delete queued
    /// before them, nor the other way round.
    /// </summary>
    private List<SqliteWrite>? TakeBatch()
    {
        lock (_sync)
        {
            while (_appends.Count == 0 && _writes.Count == 0)
            {
                if (_stopping)
                {
                    return null;
                }

                if (_sweepWanted)
                {
                    // idle with log rows possibly left: wake up for the sweep when it is due
                    var due = _lastSweep + (long)SweepInterval.TotalMilliseconds - Environment.TickCount64;
                    if (due <= 0 || !Monitor.Wait(_sync, TimeSpan.FromMilliseconds(due)))
                    {
                        return [];
                    }

                    continue;
                }

                Monitor.Wait(_sync);
            }

            // Appends arrive one by one (one per edit, thousands a second under load): let a moment of them gather so that
            // they share one commit (its locks and fsync) instead of paying one each. Other writes do not wait.
            if (_appends.Count > 0 && _writes.Count == 0 && !_stopping)
            {
                var until = Environment.TickCount64 + (long)AppendGathering.TotalMilliseconds;
                _gathering = true;
                for (var left = until - Environment.TickCount64; left > 0 && !_stopping && _appends.Count + _writes.Count < MaxBatchEntries; left = until - Environment.TickCount64)
                {
                    Monitor.Wait(_sync, TimeSpan.FromMilliseconds(left));
                }

                _gathering = false;
            }

            var batch = new List<SqliteWrite>(Math.Min(_appends.Count + _writes.Count, MaxBatchEntries));
            var barrier = long.MaxValue; // the first merge or delete: no append queued after it goes before it
            foreach (var write in _writes)
            {
                if (write.Kind != SqliteWriteKind.Store)
                {
                    barrier = write.Ticket;
                    break;
                }
            }

            while (batch.Count < MaxBatchEntries && _appends.TryPeek(out var append) && append.Ticket < barrier)
            {
                batch.Add(_appends.Dequeue());
            }

            long bytes = 0;
            while (batch.Count < MaxBatchEntries && _writes.TryPeek(out var next) && (bytes == 0 || bytes + next.Data.Length <= MaxWriteBytes))
            {
                if (next.Kind != SqliteWriteKind.Store && _appends.TryPeek(out var earlier) && earlier.Ticket < next.Ticket)
                {
                    break; // an append queued before this merge or delete did not fit in the batch
                }

                _writes.Dequeue();
                bytes += next.Data.Length;
                batch.Add(next);
                if (_lastQueued.TryGetValue(next.Name, out var last) && ReferenceEquals(last, next))
                {
                    _lastQueued.Remove(next.Name);
                }
            }

            return batch;
        }
    }

    private void Commit(List<SqliteWrite> batch)
    {
        bool[] results;
        try
        {
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            results = Execute(batch);
            SqliteTelemetry.CommitDuration.Record(System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            SqliteTelemetry.CommitEntries.Record(batch.Count);
        }
        catch (Exception e)
        {
            if (batch.Count == 1)
            {
                batch[0].Fail(e);
                return;
            }

            foreach (var write in batch)
            {
                bool result;
                try
                {
                    result = Execute([write])[0];
                }
                catch (Exception single)
                {
                    write.Fail(single);
                    continue;
                }

                Committed(write);
                if (write.Kind == SqliteWriteKind.Append)
                {
                    SqliteTelemetry.Appends.Add(1);
                }

                write.Succeed(result);
            }

            return;
        }

        var appends = 0;
        foreach (var write in batch)
        {
            Committed(write);
            appends += write.Kind == SqliteWriteKind.Append ? 1 : 0;
        }

        if (appends > 0)
        {
            SqliteTelemetry.Appends.Add(appends);
        }

        for (var i = 0; i < batch.Count; i++)
        {
            batch[i].Succeed(results[i]);
        }
    }

    /// <summary>What a committed write changes in the log tables' bookkeeping.</summary>
    private void Committed(SqliteWrite write)
    {
        switch (write.Kind)
        {
            case SqliteWriteKind.Append:
                _log.Appended(write.Name, write.Sequence);
                _sweepWanted = true;
                break;
            case SqliteWriteKind.Store when write.Sequence >= 0:
                _log.Covered(write.Name, write.Sequence);
                break;
            case SqliteWriteKind.Delete:
                _log.Forgotten(write.Name);
                break;
        }
    }

    private bool[] Execute(List<SqliteWrite> writes)
    {
        try
        {
            var connection = Connection();
            using var transaction = connection.BeginTransaction(deferred: false);
            TransactionStarted?.Invoke(writes.Count);
            var results = new bool[writes.Count];
            var updatedAt = timeProvider.GetUtcNow().ToUnixTimeMilliseconds();
            for (var i = 0; i < writes.Count; i++)
            {
                results[i] = Apply(connection, transaction, writes[i], updatedAt);
            }

            transaction.Commit();
            return results;
        }
        catch
        {
            // The connection may be unusable after an I/O error; the next attempt opens a fresh one.
            ResetConnection();
            throw;
        }
    }

    private bool Apply(SqliteConnection connection, SqliteTransaction transaction, SqliteWrite write, long updatedAt)
    {
        switch (write.Kind)
        {
            case SqliteWriteKind.Store:
                Upsert(connection, transaction, write.Name, write.Data, updatedAt, write.Sequence);
                return true;
            case SqliteWriteKind.Merge:
                var existing = Select(connection, transaction, write.Name);
                var merged = existing is null ? write.Data : YUpdates.MergeUpdates([existing, write.Data]);
                Upsert(connection, transaction, write.Name, merged, updatedAt, -1);
                return true;
            case SqliteWriteKind.Append:
                InsertLogged(connection, write);
                return true;
            default:
                foreach (var table in SqliteLogTables.Names)
                {
                    using var forget = connection.CreateCommand();
                    forget.Transaction = transaction;
                    forget.CommandText = $"DELETE FROM {table} WHERE name = $name";
                    forget.Parameters.AddWithValue("$name", write.Name);
                    forget.ExecuteNonQuery();
                }

                using (var delete = connection.CreateCommand())
                {
                    delete.Transaction = transaction;
                    delete.CommandText = "DELETE FROM documents WHERE name = $name";
                    delete.Parameters.AddWithValue("$name", write.Name);
                    return delete.ExecuteNonQuery() > 0;
                }
        }
    }

    /// <summary>Inserts an append into the current log table (inside the writer's transaction, which holds the write lock: no busy wait).</summary>
    private void InsertLogged(SqliteConnection connection, SqliteWrite write)
    {
        var db = connection.Handle!;
        var statement = _appendStatements[_log.Current];
        if (statement is null)
        {
            Check(db, raw.sqlite3_prepare_v2(db, $"INSERT INTO {SqliteLogTables.Names[_log.Current]} (name, sequence, data) VALUES (?1, ?2, ?3)", out statement));
            _appendStatements[_log.Current] = statement;
        }

        try
        {
            Check(db, raw.sqlite3_bind_text(statement, 1, write.Name));
            Check(db, raw.sqlite3_bind_int64(statement, 2, write.Sequence));
            Check(db, raw.sqlite3_bind_blob(statement, 3, write.Data));
            var rc = raw.sqlite3_step(statement);
            if (rc != raw.SQLITE_DONE)
            {
                SqliteException.ThrowExceptionForRC(rc, db);
                throw new SqliteException($"SQLite error {rc} appending to the update log.", rc);
            }
        }
        finally
        {
            raw.sqlite3_reset(statement);
        }
    }

    private static void Check(sqlite3 db, int rc)
    {
        if (rc != raw.SQLITE_OK)
        {
            SqliteException.ThrowExceptionForRC(rc, db);
            throw new SqliteException($"SQLite error {rc} preparing an update log append.", rc);
        }
    }

    private static SqliteCommand Prepare(SqliteConnection connection, string sql, params (string Name, SqliteType Type)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, type) in parameters)
        {
            command.Parameters.Add(name, type);
        }

        return command;
    }

    private static byte[]? Select(SqliteConnection connection, SqliteTransaction transaction, string documentName)
    {
        using var select = connection.CreateCommand();
        select.Transaction = transaction;
        select.CommandText = SqliteDocumentStore.SelectStateSql;
        select.Parameters.AddWithValue("$name", documentName);
        using var reader = select.ExecuteReader();
        return reader.Read() ? SqliteDocumentStore.ReadState(documentName, reader) : null;
    }

    /// <summary>Writes a state; <paramref name="coveredSequence"/> (or -1) raises the change sequence it covers, never lowers it.</summary>
    private void Upsert(SqliteConnection connection, SqliteTransaction transaction, string documentName, byte[] state, long updatedAt, long coveredSequence)
    {
        var command = _upsertCommand ??= Prepare(
            connection,
            """
            INSERT INTO documents (name, data, updated_at, checksum, log_sequence) VALUES ($name, $data, $updatedAt, $checksum, $covered)
            ON CONFLICT(name) DO UPDATE SET data = excluded.data, updated_at = excluded.updated_at, checksum = excluded.checksum,
                log_sequence = max(log_sequence, excluded.log_sequence)
            """,
            ("$name", SqliteType.Text), ("$data", SqliteType.Blob), ("$updatedAt", SqliteType.Integer), ("$checksum", SqliteType.Blob), ("$covered", SqliteType.Integer));
        command.Transaction = transaction;
        command.Parameters[0].Value = documentName;
        command.Parameters[1].Value = state;
        command.Parameters[2].Value = updatedAt;
        command.Parameters[3].Value = SHA256.HashData(state);
        command.Parameters[4].Value = Math.Max(coveredSequence, 0);
        command.ExecuteNonQuery();
    }
}
