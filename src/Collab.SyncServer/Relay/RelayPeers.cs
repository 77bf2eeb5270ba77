namespace Collab.SyncServer.Relay;

/// <summary>The other instances this one has heard from lately (any message counts; heartbeats keep it fresh).</summary>
internal sealed class RelayPeers(TimeProvider time, TimeSpan timeout)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, DateTimeOffset> _lastSeen = new(StringComparer.Ordinal);

    /// <summary>Records a message from a peer; true when the peer is new (or back after being gone).</summary>
    public bool Seen(string peer)
    {
        lock (_gate)
        {
            var known = _lastSeen.ContainsKey(peer);
            _lastSeen[peer] = time.GetUtcNow();
            return !known;
        }
    }

    /// <summary>Forgets a peer that said it leaves.</summary>
    public bool Left(string peer)
    {
        lock (_gate)
        {
            return _lastSeen.Remove(peer);
        }
    }

    /// <summary>The peers heard from within the timeout.</summary>
    public IReadOnlyList<string> Live
    {
        get
        {
            var now = time.GetUtcNow();
            lock (_gate)
            {
                return [.. _lastSeen.Where(p => now - p.Value < timeout).Select(p => p.Key)];
            }
        }
    }

    /// <summary>Removes and returns the peers not heard from within the timeout.</summary>
    public List<string> Expire()
    {
        var now = time.GetUtcNow();
        lock (_gate)
        {
            var gone = _lastSeen.Where(p => now - p.Value >= timeout).Select(p => p.Key).ToList();
            foreach (var peer in gone)
            {
                _lastSeen.Remove(peer);
            }

            return gone;
        }
    }
}
