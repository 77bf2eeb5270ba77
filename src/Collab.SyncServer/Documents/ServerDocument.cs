using Collab.SyncServer.Connections;
using Collab.SyncServer.Hooks;
using Collab.Yjs;
using Collab.Yjs.Protocols;

namespace Collab.SyncServer.Documents;

/// <summary>
/// A document held by this server: the Yjs document and its awareness, the attached connections, the fan-out and
/// the debounced store. All access to <see cref="Doc"/> after loading happens under <see cref="Gate"/>.
/// </summary>
public sealed partial class ServerDocument : ICollabDocument
{
    private readonly HookChain _hooks;
    private readonly IServiceProvider _services;
    private DocumentConnection[] _connections = [];
    private int _directConnections;
    private int _reservations;

    internal ServerDocument(string name, DocOptions options, SyncServerOptions serverOptions, TimeProvider time, HookChain hooks, IServiceProvider services, DocumentStore.Factory storeFactory, ILogger logger)
    {
        Name = name;
        Doc = new Doc(options) { MaxPendingBytes = serverOptions.MaxPendingBytes };
        _maxAwarenessStates = serverOptions.MaxAwarenessStatesPerConnection;
        Awareness = new Awareness(Doc, time);
        Awareness.SetLocalState(null);
        _hooks = hooks;
        _services = services;
        Broadcaster = new DocumentBroadcaster(this, serverOptions, time, services.GetRequiredService<BroadcastFlusher>(), logger);
        Store = storeFactory(this);
        Log = services.GetService<UpdateLogs>()?.For(name);
        Doc.Update += OnDocumentUpdate;
        Awareness.Update += OnAwarenessUpdate;
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <inheritdoc />
    public Doc Doc { get; }

    /// <inheritdoc />
    public Awareness Awareness { get; }

    /// <summary>Guards the Yjs document and the connection list.</summary>
    public Lock Gate { get; } = new();

    /// <summary>True once loading finished; changes before that are not observed.</summary>
    public bool IsLoaded { get; private set; }

    /// <summary>Counts changes that must be stored; SyncStatus waits on it.</summary>
    public long ChangeSequence { get; private set; }

    internal DocumentBroadcaster Broadcaster { get; }

    internal DocumentStore Store { get; }

    /// <summary>The update log of this document, with <see cref="SyncDurability.Logged"/> and an update log configured.</summary>
    internal DocumentLog? Log { get; }

    internal DocumentConnection[] ConnectionSnapshot => Volatile.Read(ref _connections);

    /// <inheritdoc />
    public int ConnectionCount
    {
        get
        {
            lock (Gate)
            {
                return _connections.Length + _directConnections;
            }
        }
    }

    /// <inheritdoc />
    public IReadOnlyCollection<ICollabConnection> Connections => ConnectionSnapshot;

    /// <summary>True when nothing holds the document: no connection, no joiner in flight.</summary>
    internal bool IsUnused
    {
        get
        {
            lock (Gate)
            {
                return _connections.Length == 0 && _directConnections == 0 && _reservations == 0;
            }
        }
    }

    /// <inheritdoc />
    public T Read<T>(Func<Doc, T> read)
    {
        ArgumentNullException.ThrowIfNull(read);
        lock (Gate)
        {
            return read(Doc);
        }
    }

    /// <inheritdoc />
    public void Transact(Action<Transaction> change, TransactionOrigin origin)
    {
        ArgumentNullException.ThrowIfNull(change);
        ArgumentNullException.ThrowIfNull(origin);
        lock (Gate)
        {
            Doc.Transact(origin, change);
        }
    }

    /// <inheritdoc />
    public void ApplyUpdate(byte[] update, TransactionOrigin origin) => ApplyAndSequence(update, origin);

    /// <summary>Applies an update (atomic: a malformed update throws before anything changes) and returns the change sequence after it.</summary>
    internal long ApplyAndSequence(byte[] update, TransactionOrigin origin)
    {
        ArgumentNullException.ThrowIfNull(update);
        ArgumentNullException.ThrowIfNull(origin);
        lock (Gate)
        {
            var rejections = Doc.PendingRejections;
            Doc.ApplyUpdate(update, origin);
            if (Doc.PendingRejections != rejections && origin is ConnectionOrigin)
            {
                // what could be integrated was; the rest waited for changes that never came and the document holds
                // no more of those: the client is closed, and syncs afresh when it reconnects
                throw new Protocol.ProtocolException(CloseCodes.PolicyViolation, "Too Many Pending Updates");
            }

            return ChangeSequence;
        }
    }

    /// <summary>The answer to a SyncStep1: the server's own state vector and the diff the peer lacks.</summary>
    internal (SyncMessage Step1, SyncMessage Step2) AnswerSyncStep1(byte[] stateVector)
    {
        lock (Gate)
        {
            return (SyncMessage.SyncStep1(Doc.EncodeStateVector()), SyncMessage.SyncStep2(Doc.EncodeStateAsUpdate(stateVector)));
        }
    }

    /// <summary>The server's SyncStep1 (sent first to y-websocket clients).</summary>
    internal SyncMessage CreateSyncStep1()
    {
        lock (Gate)
        {
            return SyncMessage.SyncStep1(Doc.EncodeStateVector());
        }
    }

    /// <summary>True when applying <paramref name="update"/> would add nothing (read-only SyncStep2, §7.6).</summary>
    internal bool WouldChange(byte[] update)
    {
        var (_, to) = YUpdates.ParseUpdateMeta(update);
        byte[] state;
        lock (Gate)
        {
            var vector = Doc.GetStateVector();
            if (to.Any(c => c.Value > vector.GetValueOrDefault(c.Key)))
            {
                return true;
            }

            state = Doc.EncodeStateAsUpdate();
        }

        // only deletions can still be new: compare on a scratch copy, outside the lock
        var scratch = new Doc(new DocOptions { Gc = false });
        scratch.ApplyUpdate(state);
        var before = scratch.EncodeStateAsUpdate();
        scratch.ApplyUpdate(update);
        return !before.AsSpan().SequenceEqual(scratch.EncodeStateAsUpdate());
    }

    /// <summary>Reserves the document for a joiner so that it is not unloaded before the joiner attaches.</summary>
    internal void Reserve()
    {
        lock (Gate)
        {
            _reservations++;
        }
    }

    /// <summary>Gives back a reservation that did not turn into a connection.</summary>
    internal void Unreserve()
    {
        lock (Gate)
        {
            _reservations--;
        }
    }

    /// <summary>Turns a reservation into an attached connection and sends it the current awareness states.</summary>
    internal void Attach(DocumentConnection connection)
    {
        lock (Gate)
        {
            _reservations--;
            _connections = [.. _connections, connection];
        }

        if (Awareness.EncodeFullUpdate() is { } states)
        {
            connection.Send(connection.EncodeAwareness(states));
        }
    }

    internal void AttachDirect()
    {
        lock (Gate)
        {
            _reservations--;
            _directConnections++;
        }
    }

    /// <summary>Removes a connection and the awareness states it owns (broadcasting their removal); returns the remaining count.</summary>
    internal int Detach(DocumentConnection connection)
    {
        int remaining;
        lock (Gate)
        {
            _connections = [.. _connections.Where(c => c != connection)];
            remaining = _connections.Length + _directConnections;
        }

        var owned = ReleaseAwarenessOwnership(connection);
        if (owned.Count > 0)
        {
            Awareness.RemoveStates(owned, new ConnectionOrigin(connection));
        }

        return remaining;
    }

    internal int DetachDirect()
    {
        lock (Gate)
        {
            _directConnections--;
            return _connections.Length + _directConnections;
        }
    }

    /// <summary>
    /// While loading: the storage already holds this document's changes up to <paramref name="sequence"/> (in its state
    /// or its update log), so the change numbers continue after it and nothing up to it counts as unsaved.
    /// </summary>
    internal void ContinueSequenceFrom(long sequence)
    {
        lock (Gate)
        {
            if (sequence <= ChangeSequence)
            {
                return;
            }

            ChangeSequence = sequence;
            Store.StartAt(sequence); // and with it the log's mark
        }
    }

    /// <summary>Marks the document loaded: from now on changes are observed, broadcast and stored.</summary>
    internal void MarkLoaded()
    {
        lock (Gate)
        {
            IsLoaded = true;
        }
    }

    /// <summary>True once the document was unloaded (a reload creates a new instance).</summary>
    internal bool IsDestroyed { get; private set; }

    internal void Destroy()
    {
        IsDestroyed = true;
        Broadcaster.Flush();
        Store.Dispose();
        Log?.Dispose();
        Doc.Update -= OnDocumentUpdate;
        Awareness.Update -= OnAwarenessUpdate;
        Awareness.Dispose();
    }

    private void OnDocumentUpdate(object? sender, UpdateEventArgs e)
    {
        if (!IsLoaded)
        {
            return;
        }

        var origin = e.Origin as TransactionOrigin ?? new LocalOrigin();
        var context = origin switch
        {
            ConnectionOrigin c => c.Connection.Context,
            LocalOrigin l => l.Context,
            _ => new Dictionary<string, object?>(),
        };
        if (!origin.SkipStoreHooks)
        {
            ChangeSequence++;
            Log?.Append(ChangeSequence, e.Update);
            Store.ScheduleAfterChange(origin, context);
        }

        Broadcaster.AddUpdate(e.Update, (origin as ConnectionOrigin)?.Connection as DocumentConnection, relayed: origin is RelayOrigin);
        if (!_hooks.Wants(nameof(ICollabExtension.OnChange)))
        {
            return; // nobody would look at it: no payload per update
        }

        _hooks.Fire("onChange", new OnChangePayload
        {
            Services = _services,
            DocumentName = Name,
            Document = this,
            Update = e.Update,
            TransactionOrigin = origin,
            Context = context,
            ClientsCount = _connections.Length + _directConnections,
        }, static (x, p) => x.OnChange(p));
    }
}
