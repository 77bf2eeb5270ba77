using System.Diagnostics;
using Collab.Persistence.Storage;
using Collab.SyncServer.Hooks;
using Collab.Yjs.Lib0;

namespace Collab.SyncServer.Extensions.Sqlite;

/// <summary>
/// Loads documents from and stores them into an <see cref="IDocumentStore"/> (the SQLite file by default), like
/// Hocuspocus' SQLite/Database extensions: every store writes the complete state.
/// </summary>
internal sealed partial class SqliteExtension(IDocumentStore store, ILogger<SqliteExtension> logger) : ICollabExtension
{
    /// <summary>Runs before other extensions, so that they see the stored content (e.g. the webhook "create" event fills only empty fields).</summary>
    public int Priority => 1000;

    public async ValueTask OnListen(OnListenPayload payload)
    {
        if (store is SqliteDocumentStore sqlite)
        {
            await sqlite.InitializeAsync();
            LogOpened(sqlite.FilePath);
        }
    }

    public async ValueTask OnLoadDocument(OnLoadDocumentPayload payload)
    {
        var state = await store.LoadAsync(payload.DocumentName);
        if (state is null)
        {
            return;
        }

        try
        {
            payload.Document.Doc.ApplyUpdate(state, new LocalOrigin(skipStoreHooks: true));
        }
        catch (YjsDecodingException e)
        {
            throw new DocumentStoreCorruptedException(payload.DocumentName, "the stored state is not a valid Yjs update.", e);
        }

        LogLoaded(payload.DocumentName, state.Length);
    }

    public async ValueTask OnStoreDocument(StoreDocumentPayload payload)
    {
        var started = Stopwatch.GetTimestamp();
        // the update log's entries this state covers go with the same transaction
        await (store is IUpdateLog log
            ? log.StoreAsync(payload.DocumentName, payload.State, payload.Sequence)
            : store.StoreAsync(payload.DocumentName, payload.State));
        ExtensionsTelemetry.SqliteStoreDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds);
        LogStored(payload.DocumentName, payload.State.Length);
    }

    [LoggerMessage(EventId = 3100, Level = LogLevel.Information, Message = "Documents are stored in SQLite file {Path}")]
    private partial void LogOpened(string path);

    [LoggerMessage(EventId = 3101, Level = LogLevel.Debug, Message = "Loaded document {DocumentName} from SQLite ({Bytes} bytes)")]
    private partial void LogLoaded(string documentName, int bytes);

    [LoggerMessage(EventId = 3102, Level = LogLevel.Debug, Message = "Stored document {DocumentName} in SQLite ({Bytes} bytes)")]
    private partial void LogStored(string documentName, int bytes);
}
