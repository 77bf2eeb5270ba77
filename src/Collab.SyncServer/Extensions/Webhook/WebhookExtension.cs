using Collab.SyncServer.Telemetry;
using System.Text.Json.Nodes;
using Collab.SyncServer.Api;
using Collab.SyncServer.Hooks;
using Collab.Yjs;
using Collab.Yjs.Lib0;
using Microsoft.Extensions.Options;

namespace Collab.SyncServer.Extensions.Webhook;

/// <summary>
/// Sends webhook events (<see cref="WebhookOptions"/>): <c>connect</c> (the JSON answer is merged into the connection
/// context; a failure denies the connection), <c>create</c> (on load; a JSON answer fills root types that do not exist
/// yet: string → text, object → map, array → array), <c>change</c> (debounced per document, with the document as JSON;
/// changes that arrived through the relay are left to the instance that accepted them) and <c>disconnect</c>.
/// </summary>
internal sealed partial class WebhookExtension : ICollabExtension, IDisposable
{
    private readonly WebhookSender _sender;
    private readonly IReadOnlySet<string> _events;
    private readonly WebhookDebouncer _debouncer;
    private readonly ILogger<WebhookExtension> _logger;

    public WebhookExtension(WebhookSender sender, IOptions<WebhookOptions> options, TimeProvider timeProvider, ILogger<WebhookExtension> logger)
    {
        _sender = sender;
        _logger = logger;
        _events = options.Value.EffectiveEvents;
        _debouncer = new WebhookDebouncer(timeProvider, options.Value.Debounce, options.Value.DebounceMaxWait);
    }

    /// <summary>Changes waiting for their debounce (for tests and diagnostics).</summary>
    public int PendingChanges => _debouncer.PendingCount;

    public async ValueTask OnConnect(OnConnectPayload payload)
    {
        if (!_events.Contains("connect"))
        {
            return;
        }

        JsonNode? answer;
        try
        {
            answer = await _sender.SendAsync("connect", RequestPayload(payload.DocumentName, payload.RequestHeaders, payload.RequestParameters));
        }
        catch (Exception e) when (e is HttpRequestException or WebhookException or TaskCanceledException or Polly.ExecutionRejectedException or System.Text.Json.JsonException)
        {
            LogFailed("connect", payload.DocumentName, e);
            throw new CollabRejectException();
        }

        if (answer is JsonObject fields)
        {
            foreach (var (key, value) in fields)
            {
                payload.Context[key] = WebhookJson.ToPlain(value);
            }
        }
    }

    public async ValueTask OnLoadDocument(OnLoadDocumentPayload payload)
    {
        if (!_events.Contains("create"))
        {
            return;
        }

        try
        {
            var answer = await _sender.SendAsync("create", RequestPayload(payload.DocumentName, payload.RequestHeaders, payload.RequestParameters));
            if (answer is JsonObject fields)
            {
                Fill(payload.Document.Doc, fields);
            }
        }
        catch (Exception e)
        {
            LogFailed("create", payload.DocumentName, e);
        }
    }

    public ValueTask OnChange(OnChangePayload payload)
    {
        if (!_events.Contains("change") || payload.TransactionOrigin is RelayOrigin)
        {
            return default;
        }

        // Only references are captured here (this runs for every update); the JSON is built once, when the event is sent.
        var document = payload.Document;
        var context = payload.Context;
        var connection = payload.Connection;
        _debouncer.Schedule(document.Name, () => SendChangeAsync(document, context, connection));
        return default;
    }

    public async ValueTask BeforeUnloadDocument(DocumentPayload payload) => await _debouncer.FlushAsync(payload.DocumentName);

    public async ValueTask OnDisconnect(OnDisconnectPayload payload)
    {
        if (!_events.Contains("disconnect"))
        {
            return;
        }

        var body = RequestPayload(payload.DocumentName, payload.RequestHeaders, payload.RequestParameters);
        body["context"] = WebhookJson.Context(payload.Context);
        try
        {
            await _sender.SendAsync("disconnect", body);
        }
        catch (Exception e)
        {
            LogFailed("disconnect", payload.DocumentName, e);
        }
    }

    public async ValueTask OnDestroy(OnDestroyPayload payload) => await _debouncer.FlushAllAsync();

    public void Dispose() => _debouncer.Dispose();

    private async Task SendChangeAsync(ICollabDocument document, IDictionary<string, object?> context, ICollabConnection? connection)
    {
        try
        {
            var body = new JsonObject
            {
                ["document"] = JsonNode.Parse(DocumentJson.Render(document)),
                ["documentName"] = document.Name,
                ["context"] = WebhookJson.Context(context),
                ["requestHeaders"] = connection is null ? new JsonObject() : WebhookJson.Headers(connection.RequestHeaders),
                ["requestParameters"] = connection is null ? new JsonObject() : WebhookJson.Parameters(connection.RequestParameters),
            };
            await _sender.SendAsync("change", body);
        }
        catch (Exception e)
        {
            LogFailed("change", document.Name, e);
        }
    }

    private static JsonObject RequestPayload(string documentName, IHeaderDictionary headers, IQueryCollection parameters) => new()
    {
        ["documentName"] = documentName,
        ["requestHeaders"] = WebhookJson.Headers(headers),
        ["requestParameters"] = WebhookJson.Parameters(parameters),
    };

    private static void Fill(Doc doc, JsonObject fields)
    {
        doc.Transact(new LocalOrigin(), _ =>
        {
            foreach (var (field, value) in fields)
            {
                if (value is null || doc.TryGetRoot(field) is not null)
                {
                    continue;
                }

                switch (JsJson.Parse(value.ToJsonString()))
                {
                    case string text:
                        doc.GetText(field).Insert(0, text);
                        break;
                    case JsObject map:
                        var target = doc.GetMap(field);
                        foreach (var (key, entry) in map)
                        {
                            target.Set(key, entry);
                        }

                        break;
                    case System.Collections.IList list:
                        doc.GetArray(field).Insert(0, list);
                        break;
                }
            }
        });
    }

    [LoggerMessage(EventId = 3400, Level = LogLevel.Warning, Message = "Webhook {Event} for document {DocumentName} failed")]
    private partial void LogFailed(string @event, LogText documentName, Exception exception);
}
