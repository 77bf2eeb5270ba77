namespace Collab.SyncServer.Documents;

/// <summary>
/// A change sequence that only moves forward (what is stored, what is logged) and the tasks waiting for it to reach a
/// given sequence. Waiters complete outside the lock, on the thread pool (or, when <paramref name="inlineWaiters"/>, on
/// the thread that advances the mark: for waiters whose continuations only hand work on); <see cref="Cancel"/> cancels
/// the ones left.
/// </summary>
internal sealed class SequenceMark(bool inlineWaiters = false)
{
    private readonly TaskCreationOptions _waiterOptions = inlineWaiters ? TaskCreationOptions.None : TaskCreationOptions.RunContinuationsAsynchronously;
    private readonly Lock _lock = new();
    private readonly List<(long Sequence, TaskCompletionSource Done)> _waiters = [];
    private long _value;
    private bool _cancelled;

    public long Value => Interlocked.Read(ref _value);

    /// <summary>Completes once the mark reaches <paramref name="sequence"/>; cancelled if <see cref="Cancel"/> comes first.</summary>
    public Task WhenReachedAsync(long sequence)
    {
        lock (_lock)
        {
            if (_value >= sequence)
            {
                return Task.CompletedTask;
            }

            if (_cancelled)
            {
                return Task.FromCanceled(new CancellationToken(canceled: true));
            }

            var done = new TaskCompletionSource(_waiterOptions);
            _waiters.Add((sequence, done));
            return done.Task;
        }
    }

    /// <summary>Moves the mark to <paramref name="sequence"/> if that is further, and releases the waiters it reached.</summary>
    public void Advance(long sequence)
    {
        // called for every logged change: no allocation unless a waiter is released
        List<TaskCompletionSource>? released = null;
        lock (_lock)
        {
            if (sequence <= _value)
            {
                return;
            }

            Interlocked.Exchange(ref _value, sequence);
            var kept = 0;
            for (var i = 0; i < _waiters.Count; i++)
            {
                var waiter = _waiters[i];
                if (waiter.Sequence <= sequence)
                {
                    (released ??= []).Add(waiter.Done);
                }
                else
                {
                    _waiters[kept++] = waiter;
                }
            }

            _waiters.RemoveRange(kept, _waiters.Count - kept);
        }

        if (released is not null)
        {
            foreach (var done in released)
            {
                done.TrySetResult();
            }
        }
    }

    /// <summary>Cancels every waiter, now and later (the document is gone).</summary>
    public void Cancel()
    {
        lock (_lock)
        {
            _cancelled = true;
            foreach (var (_, done) in _waiters)
            {
                done.TrySetCanceled();
            }

            _waiters.Clear();
        }
    }
}
