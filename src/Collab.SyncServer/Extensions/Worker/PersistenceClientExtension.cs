using System.Net;
using System.Net.Http.Headers;
using Collab.Persistence.Storage;
using Collab.SyncServer.Hooks;
using Collab.SyncServer.Telemetry;
using Collab.Yjs.Lib0;
using Microsoft.Extensions.Options;

namespace Collab.SyncServer.Extensions.Worker;

/// <summary>
/// Loads a document from the persistence worker: its stored state merged with every update Kafka holds that the worker
/// has not written yet, so a replica that loads a document sees all that any replica acknowledged. A worker that cannot
/// answer fails the load (the client retries) rather than serving an empty document. Stores nothing: the worker does.
/// </summary>
internal sealed partial class PersistenceClientExtension(IHttpClientFactory clients, IOptions<PersistenceClientOptions> options, ILogger<PersistenceClientExtension> logger) : ICollabExtension
{
    public const string ClientName = "collab-persistence";

    /// <summary>Before other extensions, like the SQLite store it replaces, so they see the stored content.</summary>
    public int Priority => 1000;

    public async ValueTask OnLoadDocument(OnLoadDocumentPayload payload)
    {
        var client = clients.CreateClient(ClientName);
        using var request = new HttpRequestMessage(HttpMethod.Get, "documents/state?name=" + Uri.EscapeDataString(payload.DocumentName));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", options.Value.ApiKey);
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseContentRead).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return;
        }

        if (!response.IsSuccessStatusCode)
        {
            var detail = await response.Content.ReadAsStringAsync().ConfigureAwait(false);
            throw new InvalidOperationException($"The persistence worker answered {(int)response.StatusCode} for document '{payload.DocumentName}': {detail}");
        }

        var state = await response.Content.ReadAsByteArrayAsync().ConfigureAwait(false);
        try
        {
            payload.Document.Doc.ApplyUpdate(state, new LocalOrigin(skipStoreHooks: true));
        }
        catch (YjsDecodingException e)
        {
            throw new DocumentStoreCorruptedException(payload.DocumentName, "the persistence worker's state is not a valid Yjs update.", e);
        }

        LogLoaded(payload.DocumentName, state.Length);
    }

    [LoggerMessage(EventId = 3150, Level = LogLevel.Debug, Message = "Loaded document {DocumentName} from the persistence worker ({Bytes} bytes)")]
    private partial void LogLoaded(LogText documentName, int bytes);
}
