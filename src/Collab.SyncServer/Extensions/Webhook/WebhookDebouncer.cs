namespace Collab.SyncServer.Extensions.Webhook;

/// <summary>
/// Per-key debounce with an upper bound (the algorithm of the server's store debounce, protocol.md §7.3.3): each schedule
/// replaces the pending job and re-arms the delay, but once <c>maxWait</c> passed since the first postponed schedule the
/// job runs at once. A zero delay runs every job immediately.
/// </summary>
internal sealed class WebhookDebouncer(TimeProvider timeProvider, TimeSpan delay, TimeSpan maxWait) : IDisposable
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Slot> _slots = new(StringComparer.Ordinal);

    public int PendingCount
    {
        get
        {
            lock (_lock)
            {
                return _slots.Count;
            }
        }
    }

    public void Schedule(string key, Func<Task> job)
    {
        var now = timeProvider.GetUtcNow();
        lock (_lock)
        {
            var start = now;
            if (_slots.Remove(key, out var existing))
            {
                existing.Timer?.Dispose();
                start = existing.Start;
            }

            if (delay > TimeSpan.Zero && now - start < maxWait)
            {
                var slot = new Slot(start, job);
                _slots[key] = slot;
                slot.Timer = timeProvider.CreateTimer(_ => Fire(key, slot), null, delay, Timeout.InfiniteTimeSpan);
                return;
            }
        }

        _ = job();
    }

    /// <summary>Runs the pending job of <paramref name="key"/> now, if there is one.</summary>
    public Task FlushAsync(string key)
    {
        Slot? slot;
        lock (_lock)
        {
            if (!_slots.Remove(key, out slot))
            {
                return Task.CompletedTask;
            }
        }

        slot.Timer?.Dispose();
        return slot.Job();
    }

    /// <summary>Runs every pending job now.</summary>
    public Task FlushAllAsync()
    {
        List<string> keys;
        lock (_lock)
        {
            keys = [.. _slots.Keys];
        }

        return Task.WhenAll(keys.Select(FlushAsync));
    }

    public void Dispose()
    {
        lock (_lock)
        {
            foreach (var slot in _slots.Values)
            {
                slot.Timer?.Dispose();
            }

            _slots.Clear();
        }
    }

    private void Fire(string key, Slot slot)
    {
        lock (_lock)
        {
            if (!_slots.TryGetValue(key, out var current) || current != slot)
            {
                return;
            }

            _slots.Remove(key);
        }

        _ = slot.Job();
    }

    private sealed class Slot(DateTimeOffset start, Func<Task> job)
    {
        public DateTimeOffset Start { get; } = start;

        public Func<Task> Job { get; } = job;

        public ITimer? Timer { get; set; }
    }
}
