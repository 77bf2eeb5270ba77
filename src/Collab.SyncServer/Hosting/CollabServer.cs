using Collab.SyncServer.Connections;
using Collab.SyncServer.Documents;
using Collab.SyncServer.Hooks;

namespace Collab.SyncServer.Hosting;

/// <summary>The administrative API of the server (protocol.md §7.11), resolvable from DI.</summary>
public sealed class CollabServer
{
    private readonly DocumentRegistry _registry;
    private readonly SessionTracker _sessions;

    internal CollabServer(DocumentRegistry registry, SessionTracker sessions)
    {
        _registry = registry;
        _sessions = sessions;
    }

    /// <summary>The documents.</summary>
    public DocumentRegistry Documents => _registry;

    /// <summary>Loaded documents.</summary>
    public int GetDocumentsCount() => _registry.Count;

    /// <summary>Open sockets plus direct connections.</summary>
    public int GetConnectionsCount() => _sessions.Count + _registry.Documents.Sum(d => d.ConnectionCount - d.ConnectionSnapshot.Length);

    /// <summary>Closes the document connections of one document (or of all) with an in-band CLOSE "Reset Connection".</summary>
    public void CloseConnections(string? documentName = null)
    {
        foreach (var document in _registry.Documents)
        {
            if (documentName is null || document.Name == documentName)
            {
                foreach (var connection in document.ConnectionSnapshot)
                {
                    connection.Close(CloseCodes.ResetConnection, "Reset Connection");
                }
            }
        }
    }

    /// <summary>Runs every pending store now.</summary>
    public Task FlushPendingStoresAsync(CancellationToken cancellationToken = default) => _registry.FlushPendingStoresAsync(cancellationToken);

    /// <summary>Opens a server-side connection to a document.</summary>
    public Task<DirectConnection> OpenDirectConnectionAsync(string documentName, IDictionary<string, object?>? context = null) =>
        _registry.OpenDirectConnectionAsync(documentName, context);
}
