using Collab.SyncServer.Documents;

namespace Collab.SyncServer.Relay;

/// <summary>What the relay knows about a document this replica holds: the awareness states peers relayed, the
/// initial sync's answers, and the last update handed to the transport.</summary>
internal sealed class HeldDocument(ServerDocument document)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<ulong, string> _remoteAwareness = [];
    private HashSet<string>? _awaited;
    private TaskCompletionSource? _answered;

    public ServerDocument Document { get; } = document;

    private readonly SequenceMark _relayed = new(inlineWaiters: true);
    private int _inFlight;
    private TaskCompletionSource? _drained;

    /// <summary>Changes up to this sequence were loaded from storage: they are acknowledged without the relay.</summary>
    public void StartRelayedAt(long sequence) => _relayed.Advance(sequence);

    /// <summary>The transport acknowledged (or gave up on) the update of change <paramref name="sequence"/>.</summary>
    public void Relayed(long sequence) => _relayed.Advance(sequence);

    /// <summary>Completes once the update of change <paramref name="sequence"/> was acknowledged by the transport (or given up on).</summary>
    public Task WhenRelayedAsync(long sequence) => _relayed.WhenReachedAsync(sequence);

    /// <summary>The document is no longer held: nobody waits for it any more.</summary>
    public void Forget() => _relayed.Cancel();

    /// <summary>An update of this document was handed to the transport.</summary>
    public void BeginPublish() => Interlocked.Increment(ref _inFlight);

    /// <summary>The transport acknowledged (or gave up on) one of this document's updates.</summary>
    public void EndPublish()
    {
        if (Interlocked.Decrement(ref _inFlight) == 0)
        {
            lock (_gate)
            {
                _drained?.TrySetResult();
                _drained = null;
            }
        }
    }

    /// <summary>Completes when no update of this document is in flight.</summary>
    public Task Drained()
    {
        lock (_gate)
        {
            return Volatile.Read(ref _inFlight) == 0
                ? Task.CompletedTask
                : (_drained ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
        }
    }

    /// <summary>Records which peer an awareness client id came from (a null state: the client left).</summary>
    public void TrackAwareness(ulong clientId, string peer, bool present)
    {
        lock (_gate)
        {
            if (present)
            {
                _remoteAwareness[clientId] = peer;
            }
            else
            {
                _remoteAwareness.Remove(clientId);
            }
        }
    }

    /// <summary>Forgets and returns the awareness client ids a peer relayed.</summary>
    public List<ulong> ForgetPeer(string peer)
    {
        lock (_gate)
        {
            var ids = _remoteAwareness.Where(e => e.Value == peer).Select(e => e.Key).ToList();
            foreach (var id in ids)
            {
                _remoteAwareness.Remove(id);
            }

            if (_awaited is not null && _awaited.Remove(peer) && _awaited.Count == 0)
            {
                _answered?.TrySetResult();
            }

            return ids;
        }
    }

    /// <summary>Starts waiting for an answer from each of <paramref name="peers"/>; the task completes when all answered.</summary>
    public Task ExpectAnswers(IReadOnlyCollection<string> peers)
    {
        lock (_gate)
        {
            _awaited = new HashSet<string>(peers, StringComparer.Ordinal);
            _answered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            if (_awaited.Count == 0)
            {
                _answered.TrySetResult();
            }

            return _answered.Task;
        }
    }

    /// <summary>A peer answered the sync request.</summary>
    public void Answered(string peer)
    {
        lock (_gate)
        {
            if (_awaited is not null && _awaited.Remove(peer) && _awaited.Count == 0)
            {
                _answered?.TrySetResult();
            }
        }
    }
}
