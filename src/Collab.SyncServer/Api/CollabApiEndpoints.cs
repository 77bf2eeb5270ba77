using Collab.Persistence.Storage;
using Collab.SyncServer.Api;
using Collab.SyncServer.Hooks;
using Collab.SyncServer.Hosting;
using Collab.Yjs;
using Collab.Yjs.Lib0;
using Microsoft.Extensions.Options;

namespace Microsoft.AspNetCore.Builder;

/// <summary>
/// The operator HTTP API (<see cref="ApiOptions"/>), under <c>/api</c> by default. Document names are one path segment,
/// percent-encoded:
/// <list type="bullet">
/// <item><c>GET /api/documents</c> — open documents and their connection counts;</item>
/// <item><c>GET /api/documents/{name}</c> — the document as JSON, one property per root type;</item>
/// <item><c>GET /api/documents/{name}/update</c> — the document state as a Yjs v1 update (application/octet-stream);</item>
/// <item><c>POST /api/documents/{name}/update</c> — applies a Yjs v1 update (validated first) as a server-side change: stored and broadcast;</item>
/// <item><c>DELETE /api/documents/{name}/connections</c> — closes the document's client connections.</item>
/// </list>
/// </summary>
public static class CollabApiEndpoints
{
    /// <summary>Maps the API when it is enabled (a key is configured or anonymous access is allowed).</summary>
    public static IEndpointRouteBuilder MapCollabApi(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var options = endpoints.ServiceProvider.GetRequiredService<IOptions<ApiOptions>>().Value;
        if (!options.IsEnabled)
        {
            return endpoints;
        }

        var api = endpoints.MapGroup(options.Path).AddEndpointFilter<ApiKeyFilter>().WithTags("Collab");
        api.MapGet("/documents", ListDocuments);
        api.MapGet("/documents/{name}", GetDocumentJsonAsync);
        api.MapGet("/documents/{name}/update", GetDocumentUpdateAsync);
        api.MapPost("/documents/{name}/update", ApplyUpdateAsync);
        api.MapDelete("/documents/{name}/connections", CloseConnections);
        return endpoints;
    }

    /// <summary>One open document.</summary>
    /// <param name="Name">The document name.</param>
    /// <param name="Connections">Its connections (WebSocket and direct).</param>
    public sealed record DocumentSummary(string Name, int Connections);

    private static IResult ListDocuments(CollabServer server) =>
        Results.Ok(server.Documents.Documents.Select(d => new DocumentSummary(d.Name, d.ConnectionCount)).OrderBy(d => d.Name, StringComparer.Ordinal));

    private static async Task<IResult> GetDocumentJsonAsync(HttpContext http, CollabServer server)
    {
        if (RawDocumentName.Get(http, 0) is not { Length: > 0 } name)
        {
            return BadName();
        }

        if (server.Documents.Find(name) is { IsLoaded: true } live)
        {
            return Results.Text(DocumentJson.Render(live), "application/json");
        }

        var state = await LoadStateAsync(http.RequestServices, server, name);
        return state is null ? Results.NotFound() : Results.Text(DocumentJson.Render(state), "application/json");
    }

    private static async Task<IResult> GetDocumentUpdateAsync(HttpContext http, CollabServer server)
    {
        if (RawDocumentName.Get(http, 1) is not { Length: > 0 } name)
        {
            return BadName();
        }

        var state = server.Documents.Find(name) is { IsLoaded: true } live
            ? live.Read(doc => doc.EncodeStateAsUpdate())
            : await LoadStateAsync(http.RequestServices, server, name);
        return state is null ? Results.NotFound() : Results.Bytes(state, "application/octet-stream");
    }

    private static async Task<IResult> ApplyUpdateAsync(HttpContext http, CollabServer server, IOptions<ApiOptions> options)
    {
        if (RawDocumentName.Get(http, 1) is not { Length: > 0 } name)
        {
            return BadName();
        }

        try
        {
            server.Documents.ValidateName(name);
        }
        catch (CollabRejectException e)
        {
            return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: e.Reason);
        }

        var update = await ReadBodyAsync(http.Request, options.Value.MaxUpdateBytes, http.RequestAborted);
        if (update is null)
        {
            return Results.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "The update is larger than Collab:Api:MaxUpdateBytes.");
        }

        if (!IsValidUpdate(update))
        {
            return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "The body is not a valid Yjs v1 update.");
        }

        try
        {
            await using var direct = await server.OpenDirectConnectionAsync(name, new Dictionary<string, object?> { ["source"] = "api" });
            direct.Document.ApplyUpdate(update, new LocalOrigin(direct.Context));
            await direct.DisconnectAsync(cancellationToken: http.RequestAborted);
        }
        catch (CollabRejectException e)
        {
            return Results.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: $"The document could not be loaded: {e.Reason}");
        }

        return Results.NoContent();
    }

    private static IResult CloseConnections(HttpContext http, CollabServer server)
    {
        if (RawDocumentName.Get(http, 1) is not { Length: > 0 } name)
        {
            return BadName();
        }

        if (server.Documents.Find(name) is not { } document)
        {
            return Results.NotFound();
        }

        var closed = document.Connections.Count(c => c.Kind != ConnectionKind.Direct);
        server.CloseConnections(name);
        return Results.Ok(new { closed });
    }

    private static async Task<byte[]?> LoadStateAsync(IServiceProvider services, CollabServer server, string name)
    {
        if (services.GetService<IDocumentStore>() is { } store)
        {
            return await store.LoadAsync(name);
        }

        // No store in this process (e.g. persistence through other hooks, or none): load through the hooks, like a client
        // would, and close again without storing, so a read never stores or keeps a document (an empty one is "not found")
        var direct = await server.OpenDirectConnectionAsync(name, new Dictionary<string, object?> { ["source"] = "api" });
        try
        {
            var state = direct.Read(doc => doc.EncodeStateAsUpdate());
            return state.Length <= 2 ? null : state;
        }
        finally
        {
            await direct.CloseWithoutStoringAsync();
        }
    }

    private static bool IsValidUpdate(byte[] update)
    {
        if (update.Length == 0)
        {
            return false;
        }

        try
        {
            new Doc().ApplyUpdate(update);
            return true;
        }
        catch (YjsDecodingException)
        {
            return false;
        }
    }

    private static async Task<byte[]?> ReadBodyAsync(HttpRequest request, int limit, CancellationToken cancellationToken)
    {
        if (request.ContentLength > limit)
        {
            return null;
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > limit)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    private static IResult BadName() => Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Invalid document name.");
}
