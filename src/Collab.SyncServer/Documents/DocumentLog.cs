using Collab.Persistence.Storage;
using Collab.SyncServer.Telemetry;

namespace Collab.SyncServer.Documents;

/// <summary>
/// The update log of one loaded document (<see cref="SyncDurability.Logged"/>): each change that will be stored is
/// appended to the <see cref="IUpdateLog"/> as it is applied, in change order, and <see cref="WhenLoggedAsync"/> completes
/// once every change up to a sequence is durable there, or a full store covered it (<see cref="Covered"/>). A change
/// whose append failed holds the mark back until the next full store covers it.
/// </summary>
internal sealed class DocumentLog(string documentName, IUpdateLog log, ILogger logger)
{
    private readonly Lock _lock = new();
    private readonly SortedSet<long> _completedAhead = [];
    private readonly List<(long Sequence, TaskCompletionSource Done)> _waiters = [];
    private long _logged;
    private bool _disposed;

    /// <summary>Every change up to this sequence is in the log.</summary>
    public long LoggedSequence
    {
        get
        {
            lock (_lock)
            {
                return _logged;
            }
        }
    }

    /// <summary>Appends change <paramref name="sequence"/>; called under the document's lock, in change order.</summary>
    public void Append(long sequence, byte[] update)
    {
        try
        {
            // the commit is reported on the log's writer thread: Complete is short and never blocks
            log.Append(documentName, sequence, update, error =>
            {
                if (error is null)
                {
                    Complete(sequence);
                }
                else
                {
                    Failed(sequence, error);
                }
            });
        }
        catch (ObjectDisposedException)
        {
            // shutting down: the final store covers it
        }
    }

    /// <summary>Completes once every change up to <paramref name="sequence"/> is in the log (never, for a failed append).</summary>
    public Task WhenLoggedAsync(long sequence)
    {
        lock (_lock)
        {
            if (_logged >= sequence)
            {
                return Task.CompletedTask;
            }

            if (_disposed)
            {
                return Task.FromCanceled(new CancellationToken(canceled: true));
            }

            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((sequence, done));
            return done.Task;
        }
    }

    /// <summary>The document is gone: waiters stop waiting (their acknowledgement is not sent).</summary>
    public void Dispose()
    {
        lock (_lock)
        {
            _disposed = true;
            foreach (var (_, done) in _waiters)
            {
                done.TrySetCanceled();
            }

            _waiters.Clear();
        }
    }

    private void Failed(long sequence, Exception? error) => logger.UpdateLogAppendFailed(documentName, sequence, error);

    /// <summary>A full store covered every change up to <paramref name="sequence"/>: a failed append before it no longer holds the mark back.</summary>
    public void Covered(long sequence) => Advance(covered: sequence, completed: null);

    private void Complete(long sequence) => Advance(covered: 0, completed: sequence);

    private void Advance(long covered, long? completed)
    {
        List<TaskCompletionSource> released = [];
        lock (_lock)
        {
            // appends commit in order, but a batch that failed is retried entry by entry: advance only over a gap-free run
            if (completed is { } done && done > _logged)
            {
                _completedAhead.Add(done);
            }

            if (covered > _logged)
            {
                _logged = covered;
                _completedAhead.RemoveWhere(s => s <= covered);
            }

            while (_completedAhead.Count > 0 && _completedAhead.Min == _logged + 1)
            {
                _logged = _completedAhead.Min;
                _completedAhead.Remove(_logged);
            }

            _waiters.RemoveAll(w =>
            {
                if (w.Sequence > _logged)
                {
                    return false;
                }

                released.Add(w.Done);
                return true;
            });
        }

        foreach (var done in released)
        {
            done.TrySetResult();
        }
    }
}
