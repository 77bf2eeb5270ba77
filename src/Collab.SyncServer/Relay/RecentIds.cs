namespace Collab.SyncServer.Relay;

/// <summary>Ids of messages handled lately, to drop the duplicates an at-least-once transport may deliver (bounded).</summary>
internal sealed class RecentIds(int capacity)
{
    private readonly Lock _gate = new();
    private readonly HashSet<Guid> _seen = [];
    private readonly Queue<Guid> _order = new();

    /// <summary>True the first time an id is seen.</summary>
    public bool Add(Guid id)
    {
        lock (_gate)
        {
            if (!_seen.Add(id))
            {
                return false;
            }

            _order.Enqueue(id);
            if (_order.Count > capacity)
            {
                _seen.Remove(_order.Dequeue());
            }

            return true;
        }
    }
}
