using Collab.SyncServer.Hooks;
using Collab.Yjs;

namespace Collab.SyncServer.Documents;

/// <summary>
/// Server-side access to a document that behaves like a connection (protocol.md §7.8): it keeps the document
/// loaded, its changes are broadcast, stored and relayed with a <see cref="LocalOrigin"/>, and disconnecting
/// stores the document.
/// </summary>
public sealed class DirectConnection : IAsyncDisposable
{
    private readonly DocumentRegistry _registry;
    private readonly HookChain _hooks;
    private readonly IServiceProvider _services;
    private int _closed;

    internal DirectConnection(ServerDocument document, IDictionary<string, object?> context, DocumentRegistry registry, HookChain hooks, IServiceProvider services)
    {
        Document = document;
        Context = context;
        _registry = registry;
        _hooks = hooks;
        _services = services;
    }

    /// <summary>The document.</summary>
    public ServerDocument Document { get; }

    /// <summary>The context handed to onChange and store hooks.</summary>
    public IDictionary<string, object?> Context { get; }

    /// <summary>Changes the document in one transaction (origin: local, with this connection's context).</summary>
    /// <exception cref="InvalidOperationException">The connection was closed.</exception>
    public void Transact(Action<Transaction> change, bool skipStoreHooks = false)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _closed) != 0, this);
        Document.Transact(change, new LocalOrigin(Context, skipStoreHooks));
    }

    /// <summary>Reads the document under its lock.</summary>
    public T Read<T>(Func<Doc, T> read)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _closed) != 0, this);
        return Document.Read(read);
    }

    /// <summary>
    /// Stores the document (now, or through the debounce when <paramref name="unloadImmediately"/> is false — even
    /// without changes, B9) and, when this was the last connection, runs onDisconnect and unloads it.
    /// </summary>
    public Task DisconnectAsync(bool unloadImmediately = true, CancellationToken cancellationToken = default) =>
        CloseAsync(store: true, unloadImmediately, cancellationToken);

    /// <summary>
    /// Closes without the store of <see cref="DisconnectAsync"/>, for a read that did not change the document: when this
    /// was the last connection, runs onDisconnect and unloads the document (unless others changed it meanwhile).
    /// </summary>
    internal Task CloseWithoutStoringAsync() => CloseAsync(store: false, unloadImmediately: true, CancellationToken.None);

    private async Task CloseAsync(bool store, bool unloadImmediately, CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _closed, 1) != 0)
        {
            return;
        }

        var remaining = Document.DetachDirect();
        Telemetry.SyncServerTelemetry.Connections.Add(-1);
        // without store, changes others made meanwhile are stored by their own rules (and keep the document loaded)
        if (store && unloadImmediately)
        {
            Document.Store.Schedule(TimeSpan.Zero);
            await Document.Store.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        else if (store)
        {
            Document.Store.Schedule(_registry.Options.Debounce);
        }

        if (remaining == 0)
        {
            await _hooks.RunLoggedAsync("onDisconnect", new OnDisconnectPayload
            {
                Services = _services,
                DocumentName = Document.Name,
                Document = Document,
                Connection = new DirectConnectionView(this),
                ClientsCount = 0,
                Code = CloseCodes.Normal,
                Reason = "direct connection closed",
            }, static (x, p) => x.OnDisconnect(p)).ConfigureAwait(false);
            if (unloadImmediately)
            {
                await _registry.TryUnloadAsync(Document).ConfigureAwait(false);
            }
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync() => await DisconnectAsync().ConfigureAwait(false);

    private sealed class DirectConnectionView(DirectConnection owner) : ICollabConnection
    {
        public string SocketId => "server";

        public string DocumentName => owner.Document.Name;

        public string Address => owner.Document.Name;

        public ConnectionKind Kind => ConnectionKind.Direct;

        public ConnectionConfig Config { get; } = new() { IsAuthenticated = true };

        public IDictionary<string, object?> Context => owner.Context;

        public IHeaderDictionary RequestHeaders { get; } = new HeaderDictionary();

        public IQueryCollection RequestParameters => QueryCollection.Empty;

        public ICollabDocument Document => owner.Document;

        public bool IsClosed => Volatile.Read(ref owner._closed) != 0;

        public void SendStateless(string payload)
        {
        }

        public void RequestToken()
        {
        }

        public void Close(int code = CloseCodes.ResetConnection, string reason = "Reset Connection") =>
            _ = owner.DisconnectAsync();
    }
}
