namespace Collab.SyncServer.Documents;

/// <summary>
/// A change sequence that only moves forward (what is stored, what is logged) and the tasks waiting for it to reach a
/// given sequence. Waiters complete outside the lock, on the thread pool; <see cref="Cancel"/> cancels the ones left.
/// </summary>
internal sealed class SequenceMark
{
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

            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((sequence, done));
            return done.Task;
        }
    }

    /// <summary>Moves the mark to <paramref name="sequence"/> if that is further, and releases the waiters it reached.</summary>
    public void Advance(long sequence)
    {
        List<TaskCompletionSource> released = [];
        lock (_lock)
        {
            if (sequence <= _value)
            {
                return;
            }

            Interlocked.Exchange(ref _value, sequence);
            _waiters.RemoveAll(w =>
            {
                if (w.Sequence > sequence)
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
