using Collab.Persistence.Storage;
using Collab.SyncServer;
using Collab.SyncServer.Auth;
using Collab.SyncServer.Editor;
using Collab.SyncServer.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace Microsoft.AspNetCore.Builder;

/// <summary>
/// The editor page (<see cref="EditorOptions"/>), under <c>/editor/</c> by default:
/// <list type="bullet">
/// <item><c>GET /editor/</c> — the page; <c>editor.js</c>, <c>editor.css</c> beside it;</item>
/// <item><c>GET /editor/config.json</c> — where the page's provider connects and where it lists documents;</item>
/// <item><c>GET /editor/documents</c> — the document picker's read-only list of names;</item>
/// <item>a browser's navigation to <c>/</c> — redirected to the page.</item>
/// </list>
/// Every URL the page is given, and every redirect, is relative: behind a proxy that serves the server under a path
/// prefix (<c>location /collab/ { proxy_pass http://collab/; }</c>) the page, its provider and its picker stay under that
/// prefix without the server knowing it.
/// </summary>
public static class EditorEndpoints
{
    /// <summary>Maps the page when <c>Collab:Editor:Enabled</c> is true (the default).</summary>
    public static IEndpointRouteBuilder MapCollabEditor(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var options = endpoints.ServiceProvider.GetRequiredService<IOptions<EditorOptions>>().Value;
        if (!options.Enabled)
        {
            return endpoints;
        }

        var page = options.Path.TrimEnd('/');
        if (options.RedirectRoot && endpoints is IApplicationBuilder app)
        {
            // middleware, not an endpoint: "/" is also the Hocuspocus path, whose plain answer other clients rely on
            app.Use((context, next) =>
            {
                if (!IsBrowserNavigationToRoot(context.Request))
                {
                    return next(context);
                }

                // relative to "/" (a proxy's "/prefix/"); "" only comes with a path base ("/base"), whose last segment
                // the target then starts with
                var target = context.Request.Path.Value == "/" ? "." : "./" + LastSegment(context.Request.PathBase.Value);
                context.Response.Redirect(target + page + "/" + context.Request.QueryString);
                return Task.CompletedTask;
            });
        }

        var group = endpoints.MapGroup(page).ExcludeFromDescription();
        string[] read = [HttpMethods.Get, HttpMethods.Head];

        // routing does not tell "/editor" from "/editor/": the page's relative URLs need the slash
        group.MapMethods("", read, (HttpContext http, EditorAssets assets) => http.Request.Path.Value?.EndsWith('/') == true
            ? Serve(http, assets, "index.html")
            : Results.Redirect("./" + LastSegment(http.Request.Path.Value) + "/" + http.Request.QueryString));
        group.MapGet("/config.json", (HttpContext http, IOptions<SyncServerOptions> sync, IOptions<AuthOptions> auth) => Results.Json(new EditorConfig(
            ToRoot(http.Request.Path) + sync.Value.Path.TrimStart('/'),
            options.ListDocuments ? "documents" : null,
            auth.Value.Jwt.IsConfigured)));
        if (options.ListDocuments)
        {
            group.MapGet("/documents", ListDocumentsAsync);
        }

        group.MapMethods("/{file}", read, (HttpContext http, EditorAssets assets, string file) => Serve(http, assets, file));
        return endpoints;
    }

    /// <summary>What the page needs to know about the server that serves it.</summary>
    /// <param name="Hocuspocus">The Hocuspocus endpoint, relative to the page (<c>../</c>); the page connects to it with ws(s).</param>
    /// <param name="Documents">The document list, relative to the page, or null when it is not served.</param>
    /// <param name="Authentication">True when clients need a token to write (the page then passes <c>?token=</c>).</param>
    public sealed record EditorConfig(string Hocuspocus, string? Documents, bool Authentication);

    /// <summary>One document in the picker.</summary>
    /// <param name="Name">The document name.</param>
    /// <param name="Connections">Its connections on this server (0 when it is only stored).</param>
    public sealed record EditorDocument(string Name, int Connections);

    /// <summary>
    /// From the folder of a request's path to the root of the app (its path base): "../" once per folder, taken from
    /// the path the request came in on (a route group or a nested page path count too).
    /// </summary>
    private static string ToRoot(PathString path) => string.Concat(Enumerable.Repeat("../", Math.Max(0, path.Value!.Count(c => c == '/') - 1)));

    private static string LastSegment(string? path) => path is null ? "" : path[(path.LastIndexOf('/') + 1)..];

    internal static bool IsBrowserNavigationToRoot(HttpRequest request) =>
        (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method))
        && request.Path.Value is "/" or ""
        && !request.Headers.ContainsKey(HeaderNames.Upgrade)
        && request.Headers.Accept.Any(value => value is not null && value.Contains("text/html", StringComparison.OrdinalIgnoreCase));

    private static IResult Serve(HttpContext http, EditorAssets assets, string file)
    {
        if (!assets.IsBuilt)
        {
            return file == "index.html"
                ? Results.Content(NotBuiltPage, "text/html; charset=utf-8", statusCode: StatusCodes.Status503ServiceUnavailable)
                : Results.NotFound();
        }

        if (!assets.Files.TryGetValue(file, out var asset))
        {
            return Results.NotFound();
        }

        // not content-hashed names: revalidate every time (a 304 costs one round trip)
        http.Response.Headers.CacheControl = "no-cache";
        http.Response.Headers.ETag = asset.ETag;
        if (http.Request.Headers.IfNoneMatch.Contains(asset.ETag))
        {
            return Results.StatusCode(StatusCodes.Status304NotModified);
        }

        return Results.Bytes(asset.Content, asset.ContentType);
    }

    private static async Task<IResult> ListDocumentsAsync(HttpContext http, CollabServer server, IOptions<EditorOptions> options, IOptions<AuthOptions> auth)
    {
        http.Response.Headers.CacheControl = "no-store";
        Func<string, bool> visible = static _ => true;
        if (auth.Value.Jwt.IsConfigured)
        {
            // names can be confidential: with authentication on, only a valid token sees the names it may read
            var header = http.Request.Headers.Authorization.ToString();
            var token = header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header["Bearer ".Length..].Trim() : "";
            var validation = token.Length == 0 ? null : await http.RequestServices.GetRequiredService<JwtTokenValidator>().ValidateAsync(token);
            if (validation is not { IsValid: true })
            {
                return Results.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "A valid bearer token is required to list documents.");
            }

            visible = name => validation.AccessTo(name) != DocumentAccess.None;
        }

        var documents = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var open in server.Documents.Documents)
        {
            documents[open.Name] = open.ConnectionCount;
        }

        if (options.Value.MaxListedDocuments > 0 && http.RequestServices.GetService<IDocumentStore>() is { } store)
        {
            foreach (var stored in await store.ListAsync(limit: options.Value.MaxListedDocuments, cancellationToken: http.RequestAborted))
            {
                documents.TryAdd(stored.Name, 0);
            }
        }

        return Results.Ok(documents.Where(d => visible(d.Key)).OrderBy(d => d.Key, StringComparer.Ordinal).Select(d => new EditorDocument(d.Key, d.Value)));
    }

    private const string NotBuiltPage = """
        <!doctype html><meta charset="utf-8"><title>Collab editor</title>
        <body style="font-family: system-ui, sans-serif; max-width: 40em; margin: 3em auto; line-height: 1.5">
        <h1>The editor page was not built</h1>
        <p>This server was built without Node.js, so it has no editor bundle. Install Node.js 20+ and npm, then build again
        (<code>scripts/setup.sh</code>, <code>./run.sh</code> or <code>dotnet build</code>): the build bundles <code>web/editor</code>
        with esbuild. The collaboration endpoints work regardless.</p>
        """;
}
