using Collab.SyncServer.Extensions.Sqlite;
using Collab.SyncServer.Hooks;
using Collab.SyncServer.Telemetry;

namespace Collab.SyncServer.Extensions.Worker;

/// <summary>
/// Loads a document from the persistence worker: its stored state merged with every update Kafka holds that the worker
/// has not written yet, so a replica that loads a document sees all that any replica acknowledged. A worker that cannot
/// answer fails the load (the client retries) rather than serving an empty document. Stores nothing: the worker does.
/// </summary>
internal sealed partial class PersistenceClientExtension(WorkerDocumentStore worker, ILogger<PersistenceClientExtension> logger) : ICollabExtension
{
    /// <summary>Before other extensions, like the SQLite store it replaces, so they see the stored content.</summary>
    public int Priority => 1000;

    public async ValueTask OnLoadDocument(OnLoadDocumentPayload payload)
    {
        if (await worker.LoadAsync(payload.DocumentName).ConfigureAwait(false) is not { } state)
        {
            return;
        }

        SqliteExtension.Apply(payload, state, "the persistence worker's state is not a valid Yjs update.");
        LogLoaded(payload.DocumentName, state.Length);
    }

    [LoggerMessage(EventId = 3150, Level = LogLevel.Debug, Message = "Loaded document {DocumentName} from the persistence worker ({Bytes} bytes)")]
    private partial void LogLoaded(LogText documentName, int bytes);
}
