using Collab.Persistence.Storage;
using Collab.Yjs;
using Collab.Yjs.Lib0;

namespace Collab.Persistence.Worker;

/// <summary>
/// The worker's documents between the Kafka consumer and the store: consumed updates are buffered per document, written
/// as one merged, garbage-collected state after Debounce (at the latest MaxDebounce after the first), and only then does
/// the partition's committable offset move past them. A failed write keeps the updates and is retried with backoff; the
/// offsets wait, so a crash at any point leaves them in Kafka for the next owner.
/// </summary>
internal sealed partial class WorkerDocuments(
    IDocumentStore store, PersistenceWorkerOptions options, TimeProvider time, IStoreEvents events, ILogger logger)
{
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);
    private readonly Lock _gate = new();
    private readonly Dictionary<string, WorkerDocument> _documents = new(StringComparer.Ordinal);
    private readonly Dictionary<int, long> _positions = [];
    private readonly SemaphoreSlim _writers = new(options.WriteConcurrency, options.WriteConcurrency);

    /// <summary>Documents held in memory (with or without unwritten updates).</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _documents.Count;
            }
        }
    }

    /// <summary>Unwritten updates across documents.</summary>
    public int PendingUpdates
    {
        get
        {
            lock (_gate)
            {
                return _documents.Values.Sum(d => d.Pending.Count);
            }
        }
    }

    /// <summary>Buffers a consumed update of <paramref name="name"/> at <paramref name="offset"/> of <paramref name="partition"/>.</summary>
    public void Add(string name, int partition, long offset, byte[] update)
    {
        var now = time.GetTimestamp();
        lock (_gate)
        {
            if (!_documents.TryGetValue(name, out var document) || document.Partition != partition)
            {
                document = new WorkerDocument(name, partition);
                _documents[name] = document;
            }

            if (document.FirstUnwritten < 0)
            {
                document.FirstUnwritten = offset;
                document.FirstPendingAt = now;
            }

            document.Pending.Add((offset, update));
            document.LastUpdateAt = now;
            _positions[partition] = offset + 1;
        }
    }

    /// <summary>Moves the partition's position past a record that carries nothing to store (dropped or another kind).</summary>
    public void Skip(int partition, long offset)
    {
        lock (_gate)
        {
            _positions[partition] = offset + 1;
        }
    }

    /// <summary>
    /// The offsets that may be committed: per partition with a known position, the lowest offset not durably written,
    /// or the position when everything consumed is written.
    /// </summary>
    public Dictionary<int, long> Committable(IEnumerable<int>? only = null)
    {
        lock (_gate)
        {
            var result = new Dictionary<int, long>(_positions);
            if (only is not null)
            {
                var wanted = only.ToHashSet();
                foreach (var partition in result.Keys.Where(p => !wanted.Contains(p)).ToList())
                {
                    result.Remove(partition);
                }
            }

            foreach (var document in _documents.Values)
            {
                if (document.FirstUnwritten >= 0 && result.TryGetValue(document.Partition, out var offset) && document.FirstUnwritten < offset)
                {
                    result[document.Partition] = document.FirstUnwritten;
                }
            }

            return result;
        }
    }

    /// <summary>Starts the writes that are due (debounce elapsed, max-debounce reached, or <paramref name="all"/>) and forgets idle documents.</summary>
    public void StartDueWrites(bool all = false)
    {
        var now = time.GetTimestamp();
        lock (_gate)
        {
            List<string>? idle = null;
            foreach (var document in _documents.Values)
            {
                if (document.Writing is not null)
                {
                    continue;
                }

                if (document.Pending.Count == 0)
                {
                    if (time.GetElapsedTime(document.LastUpdateAt, now) >= options.IdleTimeout)
                    {
                        (idle ??= []).Add(document.Name);
                    }

                    continue;
                }

                var ready = all
                    || time.GetElapsedTime(document.LastUpdateAt, now) >= options.Debounce
                    || time.GetElapsedTime(document.FirstPendingAt, now) >= options.MaxDebounce;
                if (ready && (all || document.RetryAt <= now))
                {
                    document.Writing = WriteAsync(document);
                }
            }

            foreach (var name in idle ?? [])
            {
                _documents.Remove(name);
            }
        }
    }

    /// <summary>Writes every document of <paramref name="partitions"/> (all when null) until nothing is unwritten or <paramref name="timeout"/> passes; true when all got written.</summary>
    public async Task<bool> FlushAsync(IReadOnlyCollection<int>? partitions, TimeSpan timeout)
    {
        var deadline = time.GetTimestamp() + (long)(timeout.TotalSeconds * time.TimestampFrequency);
        while (true)
        {
            Task[] writing;
            lock (_gate)
            {
                var mine = _documents.Values.Where(d => partitions is null || partitions.Contains(d.Partition)).ToList();
                foreach (var document in mine.Where(d => d.Writing is null && d.Pending.Count > 0))
                {
                    document.Writing = WriteAsync(document);
                }

                writing = [.. mine.Select(d => d.Writing).OfType<Task>()];
            }

            if (writing.Length == 0)
            {
                return true;
            }

            var left = TimeSpan.FromSeconds((double)(deadline - time.GetTimestamp()) / time.TimestampFrequency);
            if (left <= TimeSpan.Zero)
            {
                return false;
            }

            await Task.WhenAny(Task.WhenAll(writing), Task.Delay(left, time)).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Forgets the documents and positions of partitions this worker no longer owns, after the writes in flight for them
    /// ended (a write cannot be called back; waiting keeps it from overlapping the next owner's).
    /// </summary>
    public void Release(IEnumerable<int> partitions)
    {
        var gone = partitions.ToHashSet();
        Task[] writing;
        lock (_gate)
        {
            writing = [.. _documents.Values.Where(d => gone.Contains(d.Partition)).Select(d => d.Writing).OfType<Task>()];
        }

        Task.WhenAll(writing).GetAwaiter().GetResult();
        lock (_gate)
        {
            foreach (var document in _documents.Values.Where(d => gone.Contains(d.Partition)).ToList())
            {
                _documents.Remove(document.Name);
            }

            foreach (var partition in gone)
            {
                _positions.Remove(partition);
            }
        }
    }

    private async Task WriteAsync(WorkerDocument document)
    {
        // runs after the caller released the lock: the write is started under it but yields first
        await Task.Yield();
        await _writers.WaitAsync().ConfigureAwait(false);
        List<(long Offset, byte[] Update)> batch;
        lock (_gate)
        {
            batch = document.Pending;
            document.Pending = [];
        }

        var started = time.GetTimestamp();
        try
        {
            if (document.State is null)
            {
                var state = new Doc();
                if (await store.LoadAsync(document.Name).ConfigureAwait(false) is { } stored)
                {
                    try
                    {
                        state.ApplyUpdate(stored);
                    }
                    catch (YjsDecodingException e)
                    {
                        throw new DocumentStoreCorruptedException(document.Name, "the stored state is not a valid Yjs update.", e);
                    }
                }

                document.State = state;
            }

            var applied = 0;
            foreach (var (offset, update) in batch)
            {
                if (TryApply(document, offset, update))
                {
                    applied++;
                }
            }

            var merged = document.State.EncodeStateAsUpdate();
            await store.StoreAsync(document.Name, merged).ConfigureAwait(false);
            var elapsed = time.GetElapsedTime(started);
            lock (_gate)
            {
                document.FirstUnwritten = document.Pending.Count > 0 ? document.Pending[0].Offset : -1;
                document.FirstPendingAt = document.Pending.Count > 0 ? time.GetTimestamp() : 0;
                document.Failures = 0;
                document.Writing = null;
            }

            WorkerTelemetry.Written(merged.Length, applied, elapsed);
            LogWritten(document.Name, applied, merged.Length, elapsed.TotalMilliseconds);
            events.Stored(new DocumentStoredEvent(document.Name, merged.Length, applied, time.GetUtcNow()));
        }
        catch (Exception e)
        {
            lock (_gate)
            {
                // the updates go back in front; the in-memory state may hold them already, and applying twice is harmless
                document.Pending.InsertRange(0, batch);
                document.Failures++;
                var backoff = TimeSpan.FromMilliseconds(Math.Min(MaxBackoff.TotalMilliseconds, 100 * Math.Pow(2, Math.Min(document.Failures, 16))));
                document.RetryAt = time.GetTimestamp() + (long)(backoff.TotalSeconds * time.TimestampFrequency);
                if (e is DocumentStoreCorruptedException)
                {
                    // never overwrite what cannot be read back: the offsets stay where they are until an operator acts
                    document.State = null;
                }

                document.Writing = null;
            }

            WorkerTelemetry.WriteFailures.Add(1);
            LogWriteFailed(e, document.Name, batch.Count, document.Failures);
        }
        finally
        {
            _writers.Release();
        }
    }

    private bool TryApply(WorkerDocument document, long offset, byte[] update)
    {
        try
        {
            // decoding the whole update first: a malformed one is refused before anything of it is integrated
            _ = YUpdates.ParseUpdateMeta(update);
            document.State!.ApplyUpdate(update);
            return true;
        }
        catch (Exception e) when (e is YjsDecodingException or ArgumentException or InvalidOperationException)
        {
            WorkerTelemetry.Dropped.Add(1, new KeyValuePair<string, object?>("reason", "invalid-update"));
            LogInvalidUpdate(document.Name, document.Partition, offset, update.Length, e.Message);
            return false;
        }
    }

    [LoggerMessage(EventId = 5201, Level = LogLevel.Debug, Message = "Stored document {DocumentName}: {Updates} updates merged, {Bytes} bytes, in {Milliseconds:F1} ms")]
    private partial void LogWritten(string documentName, int updates, int bytes, double milliseconds);

    [LoggerMessage(EventId = 5202, Level = LogLevel.Error, Message = "Storing document {DocumentName} failed ({Updates} updates kept, attempt {Attempt}); retrying with backoff, its offsets are not committed")]
    private partial void LogWriteFailed(Exception exception, string documentName, int updates, int attempt);

    [LoggerMessage(EventId = 5203, Level = LogLevel.Warning, Message = "Dropped an invalid Yjs update of {DocumentName} at partition {Partition} offset {Offset} ({Bytes} bytes): {Reason}")]
    private partial void LogInvalidUpdate(string documentName, int partition, long offset, int bytes, string reason);
}
