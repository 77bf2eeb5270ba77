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
    private long _reached; // the mark as computed under the lock (the SequenceMark follows it, outside the lock)
    // the waiters are the connections' acknowledgement drains, whose continuation only schedules the send (on the
    // broadcast flusher): completing them on the log's writer thread saves a thread-pool hop per waiter
    private readonly SequenceMark _logged = new(inlineWaiters: true);

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
                    logger.UpdateLogAppendFailed(documentName, sequence, error);
                }
            });
        }
        catch (ObjectDisposedException)
        {
            // shutting down: the final store covers it
        }
    }

    /// <summary>Completes once every change up to <paramref name="sequence"/> is in the log (never, for a failed append, until a store covers it).</summary>
    public Task WhenLoggedAsync(long sequence) => _logged.WhenReachedAsync(sequence);

    /// <summary>The document is gone: waiters stop waiting (their acknowledgement is not sent).</summary>
    public void Dispose() => _logged.Cancel();

    /// <summary>A full store covered every change up to <paramref name="sequence"/>: a failed append before it no longer holds the mark back.</summary>
    public void Covered(long sequence)
    {
        long mark;
        lock (_lock)
        {
            _completedAhead.RemoveWhere(s => s <= sequence);
            mark = Math.Max(sequence, ContiguousAfter(Math.Max(sequence, _reached)));
            _reached = Math.Max(_reached, mark);
        }

        // outside the lock: the waiters' continuations run inline (the mark only moves forward, so a later, higher
        // advance that overtakes this one is harmless)
        _logged.Advance(mark);
    }

    private void Complete(long sequence)
    {
        long mark;
        lock (_lock)
        {
            if (sequence == _reached + 1 && _completedAhead.Count == 0)
            {
                // the usual case: appends commit in order
                mark = _reached = sequence;
            }
            else
            {
                // a batch that failed is retried entry by entry: advance only over a gap-free run
                if (sequence > _reached)
                {
                    _completedAhead.Add(sequence);
                }

                mark = _reached = ContiguousAfter(_reached);
            }
        }

        _logged.Advance(mark);
    }

    /// <summary>The end of the gap-free run of completed appends after <paramref name="mark"/> (removing them from the set).</summary>
    private long ContiguousAfter(long mark)
    {
        while (_completedAhead.Count > 0 && _completedAhead.Min == mark + 1)
        {
            mark = _completedAhead.Min;
            _completedAhead.Remove(mark);
        }

        return mark;
    }
}
