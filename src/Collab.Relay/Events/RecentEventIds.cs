namespace Collab.Relay.Events;

/// <summary>
/// The ids of the events seen within a window (bounded: beyond the capacity the oldest are forgotten first), so that
/// an at-least-once transport's redeliveries are recognised. Thread-safe.
/// </summary>
internal sealed class RecentEventIds(TimeSpan window, int capacity, TimeProvider time)
{
    private readonly Lock _gate = new();
    private readonly HashSet<Guid> _ids = [];
    private readonly Queue<(Guid Id, long Seen)> _order = new();

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _ids.Count;
            }
        }
    }

    /// <summary>Remembers an id; false when it was already seen within the window.</summary>
    public bool TryAdd(Guid id)
    {
        var now = time.GetTimestamp();
        lock (_gate)
        {
            while (_order.TryPeek(out var oldest) && time.GetElapsedTime(oldest.Seen, now) >= window)
            {
                _ids.Remove(_order.Dequeue().Id);
            }

            if (!_ids.Add(id))
            {
                return false;
            }

            if (_order.Count >= capacity && _order.TryDequeue(out var evicted))
            {
                _ids.Remove(evicted.Id);
            }

            _order.Enqueue((id, now));
            return true;
        }
    }
}
