using Collab.SyncServer.Hooks;
using Collab.SyncServer.Telemetry;

namespace Collab.SyncServer.Documents;

public sealed partial class DocumentRegistry
{
    internal SyncServerOptions Options => _options;

    /// <summary>Opens a server-side connection to a document, loading it if needed (no onConnect/onAuthenticate).</summary>
    public async Task<DirectConnection> OpenDirectConnectionAsync(string documentName, IDictionary<string, object?>? context = null)
    {
        context ??= new Dictionary<string, object?>();
        var payload = new OnConnectPayload
        {
            Services = services,
            DocumentName = documentName,
            RequestHeaders = new HeaderDictionary(),
            RequestParameters = QueryCollection.Empty,
            SocketId = "server",
            ConnectionConfig = new ConnectionConfig { IsAuthenticated = true },
            Context = context,
            Kind = ConnectionKind.Direct,
        };
        var document = await AcquireAsync(payload).ConfigureAwait(false);
        document.AttachDirect();
        SyncServerTelemetry.Connections.Add(1);
        return new DirectConnection(document, context, this, hooks, services);
    }

    /// <summary>Runs every armed store now and waits for them (flushPendingStores).</summary>
    public async Task FlushPendingStoresAsync(CancellationToken cancellationToken = default) =>
        await Task.WhenAll(Documents.Select(d => d.Store.FlushAsync(cancellationToken))).ConfigureAwait(false);

    /// <summary>Stops accepting joiners.</summary>
    internal void BeginShutdown() => _stopping = true;

    /// <summary>
    /// Stores every document (retrying failed stores until the deadline), unloads them and runs onDestroy.
    /// Documents whose changes could not be stored are reported, never dropped silently.
    /// </summary>
    internal async Task ShutdownAsync(CancellationToken cancellationToken)
    {
        _stopping = true;
        var documents = Documents;
        await Task.WhenAll(documents.Select(d => StoreUntilCleanAsync(d, cancellationToken))).ConfigureAwait(false);
        foreach (var document in documents)
        {
            if (document.Store.IsDirty)
            {
                logger.UnstoredAtShutdown(document.Name);
                continue;
            }

            await TryUnloadAsync(document).ConfigureAwait(false);
        }

        await hooks.RunLoggedAsync("onDestroy", new OnDestroyPayload { Services = services }, static (x, p) => x.OnDestroy(p)).ConfigureAwait(false);
    }

    private async Task StoreUntilCleanAsync(ServerDocument document, CancellationToken cancellationToken)
    {
        var delay = _options.StoreRetryDelay;
        try
        {
            while (!await document.Store.FlushAsync(cancellationToken).ConfigureAwait(false))
            {
                await Task.Delay(delay, time, cancellationToken).ConfigureAwait(false);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, _options.StoreRetryMaxDelay.Ticks));
            }
        }
        catch (OperationCanceledException)
        {
            // the shutdown deadline passed; the caller reports what is left
        }
    }
}
