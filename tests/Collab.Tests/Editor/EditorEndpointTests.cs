using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Collab.Persistence.Storage;
using Collab.SyncServer.Hosting;
using Collab.Tests.SyncServer.E2E;
using Collab.Tests.SyncServer.Extensions.Auth;
using Collab.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Collab.Tests.Editor;

/// <summary>How the SyncServer serves the editor page over HTTP (the page itself is tested in a browser by <see cref="EditorBrowserTests"/>).</summary>
public sealed class EditorEndpointTests : IDisposable
{
    private readonly TemporaryFolder _folder = new();

    private Task<LoopbackApp> StartAsync(Dictionary<string, string?>? configuration = null, string? pathBase = null, string? group = null)
    {
        var settings = new Dictionary<string, string?> { ["Collab:Sqlite:Path"] = _folder.File("editor.db") };
        foreach (var (key, value) in configuration ?? [])
        {
            settings[key] = value;
        }

        // as Program.cs composes the server
        return LoopbackApp.StartAsync(
            b =>
            {
                b.AddCollabSyncServer();
                b.AddCollabBuiltInExtensions();
                b.AddCollabEditor();
            },
            a =>
            {
                if (pathBase is not null)
                {
                    a.UsePathBase(pathBase);
                }

                a.MapCollabSyncServer();
                a.MapCollabApi();
                if (group is null)
                {
                    a.MapCollabEditor();
                }
                else
                {
                    a.MapGroup(group).MapCollabEditor();
                }
            },
            settings,
            TestContext.Current.CancellationToken);
    }

    private static HttpClient Client(LoopbackApp app) =>
        new(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = app.Address, Timeout = TimeSpan.FromSeconds(30) };

    private static HttpRequestMessage BrowserNavigation(string path)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Accept.ParseAdd("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8");
        return request;
    }

    [Fact]
    public async Task ABrowserNavigationToTheRootIsRedirectedToTheEditorAndOtherRequestsStillGetTheHocuspocusAnswer()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var app = await StartAsync();
        using var http = Client(app);

        using var navigation = await http.SendAsync(BrowserNavigation("/?doc=notes"), ct);
        Assert.Equal(HttpStatusCode.Redirect, navigation.StatusCode);
        Assert.Equal("./editor/?doc=notes", navigation.Headers.Location?.OriginalString);

        Assert.Equal("Welcome to Hocuspocus!", await http.GetStringAsync("/", ct));
        using var json = new HttpRequestMessage(HttpMethod.Get, "/");
        json.Headers.Accept.ParseAdd("application/json");
        Assert.Equal("Welcome to Hocuspocus!", await (await http.SendAsync(json, ct)).Content.ReadAsStringAsync(ct));

        using var withoutSlash = await http.GetAsync("/editor?doc=notes", ct);
        Assert.Equal(HttpStatusCode.Redirect, withoutSlash.StatusCode);
        Assert.Equal("./editor/?doc=notes", withoutSlash.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task ThePageItsBundleAndItsConfigurationAreServedFromTheBuild()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var app = await StartAsync();
        using var http = Client(app);

        using var page = await http.GetAsync("/editor/", ct);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        Assert.Contains("<script type=\"module\" src=\"editor.js\"></script>", await page.Content.ReadAsStringAsync(ct), StringComparison.Ordinal);

        using var script = await http.GetAsync("/editor/editor.js", ct);
        Assert.Equal(HttpStatusCode.OK, script.StatusCode);
        Assert.Equal("text/javascript", script.Content.Headers.ContentType?.MediaType);
        Assert.True((await script.Content.ReadAsByteArrayAsync(ct)).Length > 100_000, "the bundle carries Tiptap, Yjs and the provider");
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/editor/editor.css", ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/editor/missing.js", ct)).StatusCode);

        // unchanged files are revalidated, not sent again
        using var again = new HttpRequestMessage(HttpMethod.Get, "/editor/editor.js");
        again.Headers.IfNoneMatch.Add(script.Headers.ETag!);
        Assert.Equal(HttpStatusCode.NotModified, (await http.SendAsync(again, ct)).StatusCode);

        using var config = JsonDocument.Parse(await http.GetStringAsync("/editor/config.json", ct));
        // relative to the page, so that a proxy's path prefix carries over
        Assert.Equal("../", config.RootElement.GetProperty("hocuspocus").GetString());
        Assert.Equal("documents", config.RootElement.GetProperty("documents").GetString());
        Assert.False(config.RootElement.GetProperty("authentication").GetBoolean());
    }

    [Fact]
    public async Task TheDocumentListHasOpenAndStoredDocuments()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var app = await StartAsync();
        await app.Services.GetRequiredService<IDocumentStore>().StoreAsync("stored", new byte[] { 0, 0 }, ct);
        var open = await app.Services.GetRequiredService<CollabServer>().OpenDirectConnectionAsync("open");
        try
        {
            using var http = Client(app);
            using var list = JsonDocument.Parse(await http.GetStringAsync("/editor/documents", ct));
            var documents = list.RootElement.EnumerateArray().Select(d => (d.GetProperty("name").GetString(), d.GetProperty("connections").GetInt32())).ToList();
            Assert.Equal([("open", 1), ("stored", 0)], documents);
        }
        finally
        {
            await open.DisposeAsync();
        }
    }

    [Fact]
    public async Task WithJwtAuthenticationOnlyATokenListsDocumentsAndOnlyThoseItMayRead()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var app = await StartAsync(new() { ["Collab:Auth:Jwt:Secret"] = JwtTestKeys.Secret });
        var store = app.Services.GetRequiredService<IDocumentStore>();
        foreach (var name in new[] { "team/plan", "team/notes", "private" })
        {
            await store.StoreAsync(name, new byte[] { 0, 0 }, ct);
        }

        using var http = Client(app);
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync("/editor/documents", ct)).StatusCode);
        using var forged = new HttpRequestMessage(HttpMethod.Get, "/editor/documents");
        forged.Headers.Authorization = new AuthenticationHeaderValue("Bearer", new JwtTestKeys().Hs256(DateTimeOffset.UtcNow, secret: "another-secret-that-is-long-enough-for-hs256"));
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.SendAsync(forged, ct)).StatusCode);

        using var request = new HttpRequestMessage(HttpMethod.Get, "/editor/documents");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", new JwtTestKeys().Hs256(DateTimeOffset.UtcNow, new Dictionary<string, object> { ["collab_read"] = new[] { "team/*" } }));
        using var answer = await http.SendAsync(request, ct);
        using var list = JsonDocument.Parse(await answer.Content.ReadAsStringAsync(ct));
        Assert.Equal(["team/notes", "team/plan"], list.RootElement.EnumerateArray().Select(d => d.GetProperty("name").GetString()).ToList());
        using var config = JsonDocument.Parse(await http.GetStringAsync("/editor/config.json", ct));
        Assert.True(config.RootElement.GetProperty("authentication").GetBoolean());
    }

    [Fact]
    public async Task UnderANestedPathTheConfigurationAndTheRedirectsAreRelativeToThePage()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var app = await StartAsync(new() { ["Collab:Editor:Path"] = "/tools/editor", ["Collab:SyncServer:Path"] = "/sync" });
        using var http = Client(app);

        using var config = JsonDocument.Parse(await http.GetStringAsync("/tools/editor/config.json", ct));
        Assert.Equal("../../sync", config.RootElement.GetProperty("hocuspocus").GetString());
        Assert.Equal("documents", config.RootElement.GetProperty("documents").GetString());
        Assert.Equal(new Uri("http://proxy/prefix/sync"), new Uri(new Uri("http://proxy/prefix/tools/editor/?doc=a"), "../../sync"));

        using var root = await http.SendAsync(BrowserNavigation("/?doc=a"), ct);
        Assert.Equal("./tools/editor/?doc=a", root.Headers.Location?.OriginalString);
        using var withoutSlash = await http.GetAsync("/tools/editor?doc=a", ct);
        Assert.Equal("./editor/?doc=a", withoutSlash.Headers.Location?.OriginalString);
        Assert.Equal(new Uri("http://proxy/prefix/tools/editor/?doc=a"), new Uri(new Uri("http://proxy/prefix/tools/editor?doc=a"), "./editor/?doc=a"));
    }

    [Fact]
    public async Task UnderAPathBaseOrARouteGroupTheAddressesStillLeadToTheEndpoints()
    {
        var ct = TestContext.Current.CancellationToken;
        await using (var app = await StartAsync(pathBase: "/base"))
        {
            using var http = Client(app);
            using var config = JsonDocument.Parse(await http.GetStringAsync("/base/editor/config.json", ct));
            Assert.Equal("../", config.RootElement.GetProperty("hocuspocus").GetString());
            using var bare = await http.SendAsync(BrowserNavigation("/base?doc=a"), ct);
            Assert.Equal("./base/editor/?doc=a", bare.Headers.Location?.OriginalString);
            using var root = await http.SendAsync(BrowserNavigation("/base/?doc=a"), ct);
            Assert.Equal("./editor/?doc=a", root.Headers.Location?.OriginalString);
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/base/editor/", ct)).StatusCode);
        }

        // the page in a route group: the Hocuspocus endpoint is one folder further up
        await using (var app = await StartAsync(group: "/admin"))
        {
            using var http = Client(app);
            using var config = JsonDocument.Parse(await http.GetStringAsync("/admin/editor/config.json", ct));
            Assert.Equal("../../", config.RootElement.GetProperty("hocuspocus").GetString());
            using var withoutSlash = await http.GetAsync("/admin/editor?doc=a", ct);
            Assert.Equal("./editor/?doc=a", withoutSlash.Headers.Location?.OriginalString);
        }
    }

    [Fact]
    public async Task TurnedOffThereIsNoPageNoListAndNoRedirect()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var app = await StartAsync(new() { ["Collab:Editor:Enabled"] = "false" });
        using var http = Client(app);

        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/editor/", ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/editor/documents", ct)).StatusCode);
        using var navigation = await http.SendAsync(BrowserNavigation("/"), ct);
        Assert.Equal(HttpStatusCode.OK, navigation.StatusCode);
        Assert.Equal("Welcome to Hocuspocus!", await navigation.Content.ReadAsStringAsync(ct));
    }

    [Fact]
    public async Task ThePathMustBeBelowTheRoot()
    {
        var failure = await Assert.ThrowsAnyAsync<Exception>(() => StartAsync(new() { ["Collab:Editor:Path"] = "/" }));
        Assert.Contains("Collab:Editor:Path", failure.ToString(), StringComparison.Ordinal);
    }

    public void Dispose() => _folder.Dispose();
}
