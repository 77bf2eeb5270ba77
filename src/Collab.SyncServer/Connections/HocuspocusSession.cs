using Collab.SyncServer.Connections.WebSockets;
using Collab.SyncServer.Hooks;
using Collab.SyncServer.Protocol;

namespace Collab.SyncServer.Connections;

/// <summary>
/// A multiplexed Hocuspocus socket: routes frames by address to established document connections, queues the
/// frames of addresses that are not authenticated yet (within the pre-auth limits, §7.2.3) and authenticates each
/// address on its Auth message (§7.2.4). Routing and the queue-to-connection switch share one lock, so a new frame
/// never overtakes queued ones. A provider's CLOSE unroutes its connection at once (§5.4.8): later frames for that
/// address belong to a new provider, whose authentication waits until the old connection has finished closing (its
/// CLOSE echo and onDisconnect come first).
/// </summary>
internal sealed partial class HocuspocusSession(FrameSocket socket, HttpContext http, ConnectionServices services)
    : SocketSession(socket, http, services)
{
    private sealed class Pending(string address)
    {
        public string Address { get; } = address;

        public List<byte[]> Queue { get; } = [];

        public bool AuthInProgress { get; set; }
    }

    private readonly Lock _gate = new();
    private Dictionary<string, Pending>? _pending; // only while some address authenticates: idle sockets keep none
    private AddressMap<DocumentConnection> _connections;
    private Dictionary<string, DocumentConnection>? _closing;
    private int _queuedBytes;
    private int _queuedMessages;
    private bool _closed;

    protected override Task OnOpenAsync()
    {
        // The authentications of a socket's documents run concurrently and each reads the upgrade request's headers and
        // query. HttpContext is not thread-safe: a feature made on first use (query, cookies, items, user) is added to
        // the feature collection, which bumps its revision, and the next read through any wrapper (Request, Connection,
        // the context itself) then flushes that wrapper's cached features. Two threads doing that at once made
        // DefaultHttpRequest.Query/Headers throw a NullReferenceException (the document was denied with
        // "permission-denied"). So here, on the request's own thread and before any frame is received: the first pass
        // creates the features, the second brings every wrapper's cache up to the final revision; later reads of these
        // only hit the caches. A direct upgrade's features (DirectHttpFeatures) keep one revision, so wrappers never
        // flush their caches there and nothing needs to be made in advance (an idle socket stays small).
        if (Http.Features is not Hosting.DirectHttpFeatures)
        {
            for (var pass = 0; pass < 2; pass++)
            {
                _ = Http.Request.Headers;
                _ = Http.Request.Query;
                _ = Http.Request.Cookies;
                _ = Http.Connection.RemoteIpAddress;
                _ = Http.Items;
                _ = Http.User;
                _ = Http.RequestServices;
            }
        }

        StartPing();
        return Task.CompletedTask;
    }

    protected override ValueTask OnFrameAsync(byte[] frame)
    {
        NoteInbound();
        if (InboundMessage.IsPong(frame))
        {
            return default;
        }

        var message = InboundMessage.Parse(frame);
        DocumentConnection? target;
        lock (_gate)
        {
            if (_closed)
            {
                return default;
            }

            // fallback to the plain document name for established connections, but never for a session address
            // that is authenticating (or wants to) on its own
            if (!_connections.TryGetValue(message.Address, out target) && message.SessionId is not null
                && message.Type != MessageType.Auth && _pending?.ContainsKey(message.Address) != true)
            {
                _connections.TryGetValue(message.DocumentName, out target);
            }

            if (target is null)
            {
                QueueOrAuthenticateLocked(message);
                return default;
            }

            if (message.Type == MessageType.Close)
            {
                // the provider detached: its connection processes what came before the CLOSE, then closes
                _connections.Remove(target.Address);
                (_closing ??= new(StringComparer.Ordinal))[target.Address] = target;
            }
        }

        return target.EnqueueAsync(frame);
    }

    private void QueueOrAuthenticateLocked(InboundMessage message)
    {
        var pendings = _pending ??= new(StringComparer.Ordinal);
        if (!pendings.TryGetValue(message.Address, out var pending))
        {
            if (pendings.Count >= Options.MaxPendingDocuments)
            {
                throw new ProtocolException(CloseCodes.ResetConnection, "Reset Connection");
            }

            if (pendings.Count + _connections.Count >= Options.MaxDocumentsPerSocket)
            {
                throw new ProtocolException(CloseCodes.ResetConnection, "Too Many Documents");
            }

            pending = new Pending(message.Address);
            pendings[message.Address] = pending;
        }

        if (message.Type == MessageType.Auth && !pending.AuthInProgress)
        {
            var (_, token, version) = message.ReadAuth();
            NoteProviderVersion(version);
            pending.AuthInProgress = true;
            var previous = Task.CompletedTask;
            if (_closing is not null && _closing.TryGetValue(message.Address, out var closing))
            {
                previous = closing.Closed;
                _closing.Remove(message.Address);
            }

            // on the thread pool: hooks and the document load may block (SQLite), the receive loop must not
            _ = Task.Run(() => AuthenticateAsync(pending, message.DocumentName, token, version, previous));
            return;
        }

        if (_queuedBytes + message.Frame.Length > Options.MaxUnauthenticatedQueueBytes || _queuedMessages + 1 > Options.MaxUnauthenticatedQueueMessages)
        {
            throw new ProtocolException(CloseCodes.ResetConnection, "Reset Connection");
        }

        pending.Queue.Add(message.Frame);
        _queuedBytes += message.Frame.Length;
        _queuedMessages++;
    }

    /// <summary>Drops the pending state of an address (after PermissionDenied, so the client may retry).</summary>
    private void ForgetPendingLocked(Pending pending)
    {
        if (_pending is not null && _pending.TryGetValue(pending.Address, out var current) && current == pending)
        {
            _pending.Remove(pending.Address);
            if (_pending.Count == 0)
            {
                _pending = null;
            }
        }

        _queuedBytes -= pending.Queue.Sum(f => f.Length);
        _queuedMessages -= pending.Queue.Count;
        pending.Queue.Clear();
    }

    public override void Forget(DocumentConnection connection)
    {
        lock (_gate)
        {
            if (_connections.TryGetValue(connection.Address, out var current) && current == connection)
            {
                _connections.Remove(connection.Address);
            }

            // a closing connection stays in _closing until its close sequence (onDisconnect included) has finished:
            // Forget runs before onDisconnect, and a provider re-attaching on the address must wait for all of it
        }
    }

    /// <summary>All document connections, e.g. for closeConnections().</summary>
    public IReadOnlyList<DocumentConnection> Connections
    {
        get
        {
            lock (_gate)
            {
                return _connections.Values();
            }
        }
    }

    /// <summary>
    /// Sends every document connection an in-band CLOSE with <paramref name="reason"/> (what the reference's
    /// closeConnections() does at shutdown, §7.3); the connections themselves close with the socket.
    /// </summary>
    public void SendCloseToAll(string reason)
    {
        lock (_gate)
        {
            foreach (var address in _connections.Keys())
            {
                Send(OutboundMessages.Close(address, reason));
            }
        }
    }

    protected override async Task OnSocketClosedAsync()
    {
        await StopPingAsync().ConfigureAwait(false);
        List<DocumentConnection> connections;
        lock (_gate)
        {
            _closed = true;
            connections = _connections.Values();
            foreach (var pending in _pending?.Values.ToList() ?? [])
            {
                ForgetPendingLocked(pending);
            }
        }

        var drain = !IsTerminated;
        await Task.WhenAll(connections.Select(c => c.BeginClose(CloseCodes.Normal, "Socket closed", notify: false, drain))).ConfigureAwait(false);
    }
}
