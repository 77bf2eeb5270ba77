using Collab.SyncServer.Telemetry;
using System.Diagnostics;
using Collab.Persistence.Storage;
using Collab.SyncServer.Documents;
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
        if (store is not IUpdateLog log)
        {
            if (await store.LoadAsync(payload.DocumentName) is { } state)
            {
                Apply(payload, state, "the stored state is not a valid Yjs update.");
                LogLoaded(payload.DocumentName, state.Length);
            }

            return;
        }

        if (await log.LoadLoggedAsync(payload.DocumentName) is not { } loaded)
        {
            return;
        }

        if (loaded.State is { } stored)
        {
            Apply(payload, stored, "the stored state is not a valid Yjs update.");
        }

        // the updates acknowledged after the last store (a crash came before the next one)
        foreach (var update in loaded.Updates)
        {
            Apply(payload, update, "a logged update is not a valid Yjs update.");
        }

        // the document's change numbers go on from the last one logged, so the log never holds two changes with one number
        (payload.Document as ServerDocument)?.ContinueSequenceFrom(loaded.Sequence);
        LogLoaded(payload.DocumentName, (loaded.State?.Length ?? 0) + loaded.Updates.Sum(u => u.Length));
    }

    /// <summary>Applies a stored state or update while loading (no store hooks); one that does not decode is a corrupted store.</summary>
    internal static void Apply(OnLoadDocumentPayload payload, byte[] update, string corruption)
    {
        try
        {
            payload.Document.Doc.ApplyUpdate(update, new LocalOrigin(skipStoreHooks: true));
        }
        catch (YjsDecodingException e)
        {
            throw new DocumentStoreCorruptedException(payload.DocumentName, corruption, e);
        }
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
    private partial void LogLoaded(LogText documentName, int bytes);

    [LoggerMessage(EventId = 3102, Level = LogLevel.Debug, Message = "Stored document {DocumentName} in SQLite ({Bytes} bytes)")]
    private partial void LogStored(LogText documentName, int bytes);
}
