namespace Collab.Relay.Events;

/// <summary>
/// The handlers and pending waits of a <see cref="RelayEventBus"/>, by event name. Copy-on-write arrays under one lock,
/// so a dispatch works on a snapshot while handlers are added or removed. Thread-safe.
/// </summary>
internal sealed class RelayEventListeners
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Registration[]> _handlers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Waiter[]> _waiters = new(StringComparer.Ordinal);

    public IDisposable On(string eventName, Func<RelayEvent, ValueTask> handler)
    {
        var registration = new Registration(this, eventName, handler);
        lock (_gate)
        {
            _handlers[eventName] = _handlers.TryGetValue(eventName, out var current) ? [.. current, registration] : [registration];
        }

        return registration;
    }

    public void Off(string eventName, Func<RelayEvent, ValueTask>? handler)
    {
        lock (_gate)
        {
            if (!_handlers.TryGetValue(eventName, out var current))
            {
                return;
            }

            foreach (var registration in current.Where(r => handler is null || r.Handler == handler))
            {
                registration.MarkRemoved();
            }

            Set(_handlers, eventName, [.. current.Where(r => !r.IsRemoved)]);
        }
    }

    public Waiter AddWaiter(string eventName, Func<RelayEvent, bool>? match)
    {
        var waiter = new Waiter(match);
        lock (_gate)
        {
            _waiters[eventName] = _waiters.TryGetValue(eventName, out var current) ? [.. current, waiter] : [waiter];
        }

        return waiter;
    }

    public void RemoveWaiter(string eventName, Waiter waiter)
    {
        lock (_gate)
        {
            if (_waiters.TryGetValue(eventName, out var current))
            {
                Set(_waiters, eventName, [.. current.Where(w => w != waiter)]);
            }
        }
    }

    /// <summary>The handlers (in registration order) and waits of an event now.</summary>
    public (Registration[] Handlers, Waiter[] Waiters) Snapshot(string eventName)
    {
        lock (_gate)
        {
            return (_handlers.GetValueOrDefault(eventName) ?? [], _waiters.GetValueOrDefault(eventName) ?? []);
        }
    }

    private void Remove(Registration registration)
    {
        lock (_gate)
        {
            if (_handlers.TryGetValue(registration.EventName, out var current))
            {
                Set(_handlers, registration.EventName, [.. current.Where(r => r != registration)]);
            }
        }
    }

    private static void Set<T>(Dictionary<string, T[]> map, string eventName, T[] items)
    {
        if (items.Length == 0)
        {
            map.Remove(eventName);
        }
        else
        {
            map[eventName] = items;
        }
    }

    /// <summary>One <see cref="On"/> call; disposing it removes exactly this registration.</summary>
    internal sealed class Registration(RelayEventListeners owner, string eventName, Func<RelayEvent, ValueTask> handler) : IDisposable
    {
        private int _removed;

        public string EventName => eventName;

        public Func<RelayEvent, ValueTask> Handler => handler;

        /// <summary>True once removed: a dispatch already under way skips it.</summary>
        public bool IsRemoved => Volatile.Read(ref _removed) != 0;

        public bool MarkRemoved() => Interlocked.Exchange(ref _removed, 1) == 0;

        public void Dispose()
        {
            if (MarkRemoved())
            {
                owner.Remove(this);
            }
        }
    }

    /// <summary>One pending wait: completes with the first event its match accepts, or faults with the match's exception.</summary>
    internal sealed class Waiter(Func<RelayEvent, bool>? match)
    {
        private readonly TaskCompletionSource<RelayEvent> _result = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task<RelayEvent> Result => _result.Task;

        public void Offer(RelayEvent relayEvent)
        {
            if (_result.Task.IsCompleted)
            {
                return;
            }

            try
            {
                if (match is null || match(relayEvent))
                {
                    _result.TrySetResult(relayEvent);
                }
            }
            catch (Exception e)
            {
                _result.TrySetException(e);
            }
        }
    }
}
