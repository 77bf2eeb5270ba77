using Collab.SyncServer.Connections;
using Collab.SyncServer.Telemetry;
using Collab.Yjs;

namespace Collab.SyncServer.Documents;

/// <summary>
/// Outgoing fan-out of one document (protocol.md §7.9): updates and awareness changes are buffered and flushed
/// together — updates merged into one, awareness collapsed to the latest state of each changed client — and each
/// message is encoded once per address and appended to every connection's send queue without waiting.
/// </summary>
/// <remarks>
/// Lock order: callers (document lock, awareness lock) take only <c>_pending</c>; a flush takes <c>_send</c>,
/// then <c>_pending</c> briefly, then the awareness lock to encode, never the other way round.
/// </remarks>
internal sealed class DocumentBroadcaster(ServerDocument document, SyncServerOptions options, TimeProvider time, BroadcastFlusher flusher, ILogger logger) : IFlushable
{
    private readonly Lock _pending = new();
    private readonly Lock _send = new();
    private List<byte[]> _updates = [];
    private HashSet<ulong> _awareness = [];

    // Used only under _send: the buffers of the previous flush (swapped back in, so a flush allocates no new
    // collections) and the per-address message cache.
    private List<byte[]> _spareUpdates = [];
    private HashSet<ulong> _spareAwareness = [];
    private readonly List<(bool Hocuspocus, string Address, byte[] Message)> _messages = [];
    private Dictionary<(bool, string), byte[]>? _manyMessages; // session-aware addresses: one per connection
    private int _updateBytes;
    private bool _scheduled;
    private long _due; // when the scheduled window ends (flusher timestamp)

    // the connection every buffered update came from (null: none yet, several, or not a connection; once null in a
    // window it stays null, since no connection equals null)
    private DocumentConnection? _soleOrigin;
    private long _firstChange;

    /// <param name="update">The update as the document emitted it.</param>
    /// <param name="origin">The connection it came from, if any: when the whole window came from it, its own copy is an
    /// echo that can wait for the socket's next message (<see cref="SyncServerOptions.EchoDelay"/>).</param>
    /// <param name="relayed">It came through the relay: its window is <see cref="SyncServerOptions.RelayFlushDelay"/> long.</param>
    public void AddUpdate(byte[] update, DocumentConnection? origin = null, bool relayed = false)
    {
        lock (_pending)
        {
            if (_updates.Count == 0)
            {
                _soleOrigin = origin;
            }
            else if (!ReferenceEquals(origin, _soleOrigin))
            {
                _soleOrigin = null;
            }

            _updates.Add(update);
            _updateBytes += update.Length;
            ScheduleLocked(_updateBytes >= options.FlushMaxBytes, relayed);
        }
    }

    public void AddAwareness(IEnumerable<ulong> clients)
    {
        lock (_pending)
        {
            _awareness.UnionWith(clients);
            ScheduleLocked(false);
        }
    }

    /// <summary>Sends everything buffered now (also used before the document is destroyed).</summary>
    public void Flush()
    {
        lock (_send)
        {
            List<byte[]> updates;
            HashSet<ulong> awareness;
            long first;
            DocumentConnection? echoOnly;
            lock (_pending)
            {
                (updates, _updates) = (_updates, _spareUpdates);
                (awareness, _awareness) = (_awareness, _spareAwareness);
                _updateBytes = 0;
                _scheduled = false;
                first = _firstChange;
                echoOnly = _soleOrigin;
                _soleOrigin = null;
            }

            _spareUpdates = updates;
            _spareAwareness = awareness;
            try
            {
                FlushBuffered(updates, awareness, first, options.EchoDelay > TimeSpan.Zero ? echoOnly : null);
            }
            finally
            {
                updates.Clear();
                awareness.Clear();
                _messages.Clear();
                _manyMessages?.Clear();
                if (updates.Capacity > 1024)
                {
                    _spareUpdates = []; // a burst: do not keep its buffer
                }
            }
        }
    }

    // echoOnly: the connection all the updates came from, whose copy is deferred (null: send it to everyone now)
    private void FlushBuffered(List<byte[]> updates, HashSet<ulong> awareness, long first, DocumentConnection? echoOnly)
    {
        // when an awareness message follows to every connection, the updates wait for it: one write per socket
        var deferAll = awareness.Count > 0 && options.EchoDelay > TimeSpan.Zero;
        if (updates.Count == 0 && awareness.Count == 0)
        {
            return;
        }

        var connections = document.ConnectionSnapshot;
        if (updates.Count > 0)
        {
            if (!options.BatchBroadcasts)
            {
                foreach (var update in updates)
                {
                    Send(connections, update, static (c, u) => c.EncodeUpdate(u), echoOnly, deferAll);
                }
            }
            else if (TryMerge(updates) is { } merged)
            {
                Send(connections, merged, static (c, u) => c.EncodeUpdate(u), echoOnly, deferAll);
            }
            else
            {
                foreach (var update in updates)
                {
                    Send(connections, update, static (c, u) => c.EncodeUpdate(u), echoOnly, deferAll);
                }
            }
        }

        if (awareness.Count > 0)
        {
            var update = document.Awareness.EncodeUpdate(awareness);
            Send(connections, update, static (c, u) => c.EncodeAwareness(u), deferTo: null, deferAll: false);
        }

        SyncServerTelemetry.FanOutLatency.Record(time.GetElapsedTime(first).TotalMilliseconds);
    }

    /// <summary>Flushes and logs a failure instead of throwing.</summary>
    public void FlushLogged()
    {
        try
        {
            Flush();
        }
        catch (Exception e)
        {
            // a fan-out failure must never take the process down
            logger.BroadcastFailed(document.Name, e);
        }
    }

    private static byte[]? TryMerge(List<byte[]> updates)
    {
        try
        {
            return updates.Count == 1 ? updates[0] : YUpdates.MergeUpdates(updates);
        }
        catch (Yjs.Lib0.YjsDecodingException)
        {
            // every update was applied by the engine, so this should not happen; fall back to sending them one by one
            return null;
        }
    }

    private const int ShortList = 4;

    private void Send(DocumentConnection[] connections, byte[] payload, Func<DocumentConnection, byte[], byte[]> encode, DocumentConnection? deferTo, bool deferAll)
    {
        // one encoding per address (y-websocket connections share the empty address); a document's connections
        // use one or two addresses, so a short list scanned with a reference check first beats hashing the name
        var cache = _messages;
        cache.Clear();
        _manyMessages?.Clear();
        foreach (var connection in connections)
        {
            var hocuspocus = connection.Kind == Hooks.ConnectionKind.Hocuspocus;
            var address = connection.Address;
            byte[]? message = null;
            foreach (var (kind, known, encoded) in cache)
            {
                if (kind == hocuspocus && (ReferenceEquals(known, address) || string.Equals(known, address, StringComparison.Ordinal)))
                {
                    message = encoded;
                    break;
                }
            }

            if (message is null && cache.Count < ShortList)
            {
                message = encode(connection, payload);
                cache.Add((hocuspocus, address, message));
            }
            else if (message is null)
            {
                var many = _manyMessages ??= [];
                if (!many.TryGetValue((hocuspocus, address), out message))
                {
                    message = encode(connection, payload);
                    many[(hocuspocus, address)] = message;
                }
            }

            if (deferAll || ReferenceEquals(connection, deferTo))
            {
                connection.SendDeferred(message);
            }
            else
            {
                connection.Send(message);
            }
        }
    }

    private void ScheduleLocked(bool now, bool relayed = false)
    {
        if (_scheduled && !now)
        {
            // a relayed change does not wait for the rest of a local change's window: a registration in the relay
            // lane ends it early (the later one then finds the buffers empty, or flushes a newer window early)
            if (!relayed || !options.BatchBroadcasts)
            {
                return;
            }

            if (options.EffectiveRelayFlushDelay > TimeSpan.Zero)
            {
                if (flusher.RelayedDueFromNow() < _due)
                {
                    _due = flusher.ScheduleRelayed(this);
                }

                return;
            }

            now = true;
        }

        if (!_scheduled)
        {
            _firstChange = time.GetTimestamp();
        }

        _scheduled = true;
        var delay = !options.BatchBroadcasts ? TimeSpan.Zero : relayed ? options.EffectiveRelayFlushDelay : options.FlushDelay;
        if (now || delay <= TimeSpan.Zero)
        {
            if (!now && BroadcastTurn.TryDefer(this))
            {
                return;
            }

            ThreadPool.UnsafeQueueUserWorkItem(static b => b.FlushLogged(), this, preferLocal: false);
        }
        else
        {
            _due = relayed ? flusher.ScheduleRelayed(this) : flusher.Schedule(this);
        }
    }
}
