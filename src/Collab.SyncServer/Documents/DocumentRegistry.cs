using System.Diagnostics;
using Collab.SyncServer.Hooks;
using Collab.SyncServer.Telemetry;
using Collab.Yjs;
using Microsoft.Extensions.Options;

namespace Collab.SyncServer.Documents;

/// <summary>
/// The documents of this server: one load per name however many joiners arrive (protocol.md §7.3.1), and the
/// unload decision with its re-checks (§7.3.4). Joiners reserve a document under the registry lock, so an unload
/// never removes a document somebody is about to attach to.
/// </summary>
public sealed partial class DocumentRegistry(
    IOptions<SyncServerOptions> options,
    TimeProvider time,
    HookChain hooks,
    IServiceProvider services,
    ILogger<DocumentRegistry> logger)
{
    private sealed class Entry
    {
        public Task<ServerDocument>? Load { get; set; }
        public ServerDocument? Document { get; set; }
        public int EarlyReservations { get; set; }
        public Task? Unloading { get; set; }
    }

    private readonly Lock _lock = new();
    private readonly Dictionary<string, Entry> _documents = new(StringComparer.Ordinal);
    private readonly SyncServerOptions _options = options.Value;
    private volatile bool _stopping;

    /// <summary>Loaded documents.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _documents.Values.Count(e => e.Document is not null);
            }
        }
    }

    /// <summary>A snapshot of the loaded documents.</summary>
    public IReadOnlyList<ServerDocument> Documents
    {
        get
        {
            lock (_lock)
            {
                return [.. _documents.Values.Select(e => e.Document).OfType<ServerDocument>()];
            }
        }
    }

    internal bool IsStopping => _stopping;

    /// <summary>The loaded document of that name, if any.</summary>
    public ServerDocument? Find(string name)
    {
        lock (_lock)
        {
            return _documents.TryGetValue(name, out var e) ? e.Document : null;
        }
    }

    /// <summary>Validates a document name: not empty or blank, not longer than the limit.</summary>
    /// <exception cref="CollabRejectException">The name is not acceptable.</exception>
    public void ValidateName(string name)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            throw new CollabRejectException(CloseCodes.Forbidden, "Invalid document name");
        }

        if (System.Text.Encoding.UTF8.GetByteCount(name) > _options.MaxDocumentNameBytes)
        {
            throw new CollabRejectException(CloseCodes.Forbidden, "Document name too long");
        }
    }

    /// <summary>
    /// Returns the loaded document, loading it first if needed, with a reservation the caller must turn into a
    /// connection (<see cref="ServerDocument.Attach"/>) or give back (<see cref="ServerDocument.Unreserve"/>).
    /// </summary>
    internal async Task<ServerDocument> AcquireAsync(ConnectionPayload joiner)
    {
        ValidateName(joiner.DocumentName);
        Task<ServerDocument> load;
        lock (_lock)
        {
            if (_stopping)
            {
                throw new CollabRejectException(CloseCodes.GoingAway, "Server shutting down");
            }

            if (!_documents.TryGetValue(joiner.DocumentName, out var entry))
            {
                entry = new Entry();
                _documents[joiner.DocumentName] = entry;
                entry.Load = LoadAsync(joiner, entry);
            }

            if (entry.Document is { } loaded)
            {
                loaded.Reserve();
                return loaded;
            }

            entry.EarlyReservations++;
            load = entry.Load!;
        }

        return await load.ConfigureAwait(false);
    }

    private async Task<ServerDocument> LoadAsync(ConnectionPayload joiner, Entry entry)
    {
        await Task.Yield();
        using var activity = SyncServerTelemetry.ActivitySource.StartActivity("load document");
        activity?.SetTag("collab.document", joiner.DocumentName);
        ServerDocument? document = null;
        try
        {
            var create = new OnCreateDocumentPayload(joiner, new DocOptions { Gc = _options.Gc });
            await hooks.RunAsync("onCreateDocument", create, static (x, p) => x.OnCreateDocument(p)).ConfigureAwait(false);
            document = new ServerDocument(joiner.DocumentName, create.DocumentOptions, _options, time, hooks, services, CreateStore, logger);
            var load = new OnLoadDocumentPayload(joiner, document);
            await hooks.RunAsync("onLoadDocument", load, static (x, p) => x.OnLoadDocument(p)).ConfigureAwait(false);
            document.MarkLoaded();
            await hooks.RunAsync("afterLoadDocument", load, static (x, p) => x.AfterLoadDocument(p)).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            activity?.SetStatus(ActivityStatusCode.Error, e.Message);
            logger.DocumentLoadFailed(joiner.DocumentName, e);
            lock (_lock)
            {
                _documents.Remove(joiner.DocumentName);
            }

            // B10: a failed load leaves nothing behind, and it is never stored
            document?.Destroy();
            throw;
        }

        lock (_lock)
        {
            for (var i = 0; i < entry.EarlyReservations; i++)
            {
                document.Reserve();
            }

            entry.EarlyReservations = 0;
            entry.Document = document;
        }

        SyncServerTelemetry.Documents.Add(1);
        logger.DocumentLoaded(document.Name);
        return document;
    }

    private DocumentStore CreateStore(ServerDocument document) =>
        new(document, _options, time, hooks, services, logger, AfterStore);

    private void AfterStore(ServerDocument document)
    {
        if (ShouldUnload(document))
        {
            _ = TryUnloadAsync(document);
        }
    }

    private static bool ShouldUnload(ServerDocument document) =>
        document.IsUnused && !document.Store.IsPending && !document.Store.IsDirty;

    /// <summary>The store/unload decision after a connection left (§7.3.4).</summary>
    internal void AfterDisconnect(ServerDocument document, bool unloadImmediately)
    {
        if (!document.IsUnused)
        {
            return;
        }

        if (document.Store.IsPending || document.Store.IsDirty)
        {
            // unload follows the store; a failed store keeps retrying and keeps the document (Appendix B3)
            if (unloadImmediately)
            {
                document.Store.Schedule(TimeSpan.Zero);
            }

            return;
        }

        _ = TryUnloadAsync(document);
    }

    /// <summary>Unloads the document when nothing holds it, running the unload hooks.</summary>
    internal Task TryUnloadAsync(ServerDocument document)
    {
        lock (_lock)
        {
            if (!_documents.TryGetValue(document.Name, out var entry) || entry.Document != document)
            {
                return Task.CompletedTask;
            }

            if (entry.Unloading is { } running)
            {
                return running;
            }

            if (!ShouldUnload(document))
            {
                return Task.CompletedTask;
            }

            entry.Unloading = UnloadAsync(document, entry);
            return entry.Unloading;
        }
    }

    private async Task UnloadAsync(ServerDocument document, Entry entry)
    {
        await Task.Yield();
        var payload = new DocumentPayload { Services = services, DocumentName = document.Name, Document = document };
        try
        {
            await hooks.RunAsync("beforeUnloadDocument", payload, static (x, p) => x.BeforeUnloadDocument(p)).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            logger.UnloadCancelled(document.Name, e);
            lock (_lock)
            {
                entry.Unloading = null;
            }

            return;
        }

        lock (_lock)
        {
            entry.Unloading = null;
            if (!ShouldUnload(document))
            {
                // somebody joined (or changed the document) meanwhile: it stays
                return;
            }

            _documents.Remove(document.Name);
        }

        document.Destroy();
        SyncServerTelemetry.Documents.Add(-1);
        logger.DocumentUnloaded(document.Name);
        await hooks.RunLoggedAsync("afterUnloadDocument", new AfterUnloadDocumentPayload { Services = services, DocumentName = document.Name }, static (x, p) => x.AfterUnloadDocument(p)).ConfigureAwait(false);
    }
}
