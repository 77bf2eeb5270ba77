using System.Security.Cryptography;
using Collab.Yjs;
using Microsoft.Data.Sqlite;

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

    /// <summary>Most bytes (states and updates) committed in one transaction; a single larger entry still forms a batch.</summary>
    public const long MaxBatchBytes = 64L * 1024 * 1024;

    private readonly object _sync = new();
    private readonly Queue<SqliteWrite> _queue = new();
    // The last queued entry per document that the writer has not taken yet: a store is coalesced into it when it is a store.
    private readonly Dictionary<string, SqliteWrite> _lastQueued = new(StringComparer.Ordinal);
    private Thread? _thread;
    private bool _stopping;
    private bool _gathering;
    // a sweep is due (entries were appended, or a store covered some), and whether the log may hold entries at all
    private bool _sweepWanted;
    private bool _logHasEntries = true;
    private long _lastSweep = Environment.TickCount64;
    private SqliteConnection? _connection;
    // Commands of the hot writes, prepared once per connection (Microsoft.Data.Sqlite keeps a command's prepared
    // statement between executions): preparing the SQL of every append again cost more than the insert itself.
    private SqliteCommand? _appendCommand;
    private SqliteCommand? _upsertCommand;

    /// <summary>Test seam: called on the writer thread inside each transaction, before its entries are applied, with their count.</summary>
    internal Action<int>? TransactionStarted { get; set; }

    /// <summary>Entries queued and not yet taken by the writer.</summary>
    internal int QueuedCount
    {
        get
        {
            lock (_sync)
            {
                return _queue.Count;
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

            var write = new SqliteWrite(kind, name, data, sequence) { Committed = committed };
            _queue.Enqueue(write);
            _lastQueued[name] = write;
            if (_thread is null)
            {
                _thread = new Thread(Run) { IsBackground = true, Name = "Collab SQLite writer" };
                _thread.Start();
            }
            else if (!_gathering || _queue.Count >= MaxBatchEntries)
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
        }
        finally
        {
            ResetConnection();
        }
    }

    /// <summary>How long a batch that starts with an append waits for more before it commits.</summary>
    public static readonly TimeSpan AppendGathering = TimeSpan.FromMilliseconds(1);

    /// <summary>How often log entries that a store covers are deleted (one pass over the log).</summary>
    public static readonly TimeSpan SweepInterval = TimeSpan.FromSeconds(1);

    private void SweepIfDue()
    {
        if (!_sweepWanted || Environment.TickCount64 - _lastSweep < (long)SweepInterval.TotalMilliseconds)
        {
            return;
        }

        _lastSweep = Environment.TickCount64;
        _sweepWanted = false;
        try
        {
            var connection = _connection ??= open();
            using var transaction = connection.BeginTransaction(deferred: false);
            using var sweep = connection.CreateCommand();
            sweep.Transaction = transaction;
            sweep.CommandText = """
                DELETE FROM document_updates
                WHERE sequence <= coalesce((SELECT log_sequence FROM documents WHERE documents.name = document_updates.name), -1)
                """;
            sweep.ExecuteNonQuery();
            using var remaining = connection.CreateCommand();
            remaining.Transaction = transaction;
            remaining.CommandText = "SELECT EXISTS (SELECT 1 FROM document_updates)";
            _logHasEntries = (long)remaining.ExecuteScalar()! != 0;
            transaction.Commit();
        }
        catch (Exception e) when (e is SqliteException or IOException or InvalidOperationException)
        {
            // the entries stay; the next sweep tries again (they are replay-safe meanwhile)
            _sweepWanted = true;
            ResetConnection();
        }
    }

    private void ResetConnection()
    {
        _appendCommand?.Dispose();
        _upsertCommand?.Dispose();
        (_appendCommand, _upsertCommand) = (null, null);
        _connection?.Dispose();
        _connection = null;
    }

    private List<SqliteWrite>? TakeBatch()
    {
        lock (_sync)
        {
            while (_queue.Count == 0)
            {
                if (_stopping)
                {
                    return null;
                }

                if (_sweepWanted)
                {
                    // idle with covered log entries possibly left: wake up for the sweep when it is due
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
            if (_queue.Peek().Kind == SqliteWriteKind.Append && !_stopping)
            {
                var until = Environment.TickCount64 + (long)AppendGathering.TotalMilliseconds;
                _gathering = true;
                for (var left = until - Environment.TickCount64; left > 0 && !_stopping && _queue.Count < MaxBatchEntries; left = until - Environment.TickCount64)
                {
                    Monitor.Wait(_sync, TimeSpan.FromMilliseconds(left));
                }

                _gathering = false;
            }

            var batch = new List<SqliteWrite>(Math.Min(_queue.Count, MaxBatchEntries));
            long bytes = 0;
            while (_queue.TryPeek(out var next) && batch.Count < MaxBatchEntries && (batch.Count == 0 || bytes + next.Data.Length <= MaxBatchBytes))
            {
                _queue.Dequeue();
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
            results = Execute(batch);
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

                write.Succeed(result);
            }

            return;
        }

        for (var i = 0; i < batch.Count; i++)
        {
            batch[i].Succeed(results[i]);
        }
    }

    private bool[] Execute(List<SqliteWrite> writes)
    {
        var connection = _connection ??= open();
        try
        {
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
                // a store that covers logged entries makes them sweepable
                _sweepWanted |= write.Sequence >= 0 && _logHasEntries;
                return true;
            case SqliteWriteKind.Merge:
                var existing = Select(connection, transaction, write.Name);
                var merged = existing is null ? write.Data : YUpdates.MergeUpdates([existing, write.Data]);
                Upsert(connection, transaction, write.Name, merged, updatedAt, -1);
                return true;
            case SqliteWriteKind.Append:
                var append = _appendCommand ??= Prepare(connection, "INSERT INTO document_updates (name, sequence, data) VALUES ($name, $sequence, $data)", ("$name", SqliteType.Text), ("$sequence", SqliteType.Integer), ("$data", SqliteType.Blob));
                append.Transaction = transaction;
                append.Parameters[0].Value = write.Name;
                append.Parameters[1].Value = write.Sequence;
                append.Parameters[2].Value = write.Data;
                append.ExecuteNonQuery();
                _sweepWanted = _logHasEntries = true;
                return true;
            default:
                using (var forget = connection.CreateCommand())
                {
                    forget.Transaction = transaction;
                    forget.CommandText = "DELETE FROM document_updates WHERE name = $name";
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
