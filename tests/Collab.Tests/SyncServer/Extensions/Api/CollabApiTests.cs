using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Collab.Persistence.Storage;
using Collab.SyncServer.Protocol;
using Collab.Tests.SyncServer.Support;
using Collab.Yjs;
using Collab.Yjs.Protocols;
using Microsoft.Extensions.DependencyInjection;

namespace Collab.Tests.SyncServer.Extensions.Api;

public sealed class CollabApiTests : IDisposable
{
    private const string Key = "operator-key";
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private Task<ExtensionServer> StartAsync(string? key = Key) =>
        ExtensionServer.StartAsync(_folder.File("collab.db"), new Dictionary<string, string?> { ["Collab:Api:Key"] = key });

    private static HttpClient Authorized(ExtensionServer server)
    {
        var http = server.CreateHttpClient();
        http.DefaultRequestHeaders.Add("X-Api-Key", Key);
        return http;
    }

    private static ByteArrayContent Binary(byte[] bytes)
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        return content;
    }

    [Fact]
    public async Task RequestsWithoutTheKeyAreUnauthorized()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await StartAsync();
        using var anonymous = server.CreateHttpClient();
        anonymous.DefaultRequestHeaders.Add("X-Api-Key", "wrong");

        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync(new Uri("/api/documents", UriKind.Relative), ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Authorized(server).GetAsync(new Uri("/api/documents", UriKind.Relative), ct)).StatusCode);
    }

    [Fact]
    public async Task TheApiIsNotServedWithoutAKey()
    {
        await using var server = await StartAsync(key: null);
        using var http = server.CreateHttpClient();

        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync(new Uri("/api/documents", UriKind.Relative), TestContext.Current.CancellationToken)).StatusCode);
    }

    [Fact]
    public async Task OpenDocumentsAreListedWithTheirConnectionCounts()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await StartAsync();
        await using var first = await server.ConnectAsync();
        await using var second = await server.ConnectAsync();
        await first.JoinAsync("notes");
        await second.JoinAsync("notes");

        var list = await Authorized(server).GetFromJsonAsync<JsonArray>(new Uri("/api/documents", UriKind.Relative), ct);

        var entry = Assert.Single(list!);
        Assert.Equal("notes", (string?)entry!["name"]);
        Assert.Equal(2, (int?)entry["connections"]);
    }

    [Fact]
    public async Task APostedUpdateIsBroadcastStoredAndReadableAsJsonAndBinary()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await StartAsync();
        await using var client = await server.ConnectAsync();
        await client.JoinAsync("team/a b");
        using var http = Authorized(server);
        var name = Uri.EscapeDataString("team/a b");

        var post = await http.PostAsync(new Uri($"/api/documents/{name}/update", UriKind.Relative), Binary(Messages.TextInsert("from api", clientId: 99)), ct);

        Assert.Equal(HttpStatusCode.NoContent, post.StatusCode);
        var update = await client.WaitForAsync(m => m.Type == MessageType.Sync && m.ReadSync().Type == SyncMessageType.Update);
        Assert.Equal("from api", Messages.TextOf(update.ReadSync().Payload));
        var json = await http.GetFromJsonAsync<JsonObject>(new Uri($"/api/documents/{name}", UriKind.Relative), ct);
        Assert.Equal("from api", (string?)json!["t"]);
        var state = await http.GetByteArrayAsync(new Uri($"/api/documents/{name}/update", UriKind.Relative), ct);
        Assert.Equal("from api", Messages.TextOf(state));
        var stored = await server.App.Services.GetRequiredService<IDocumentStore>().LoadAsync("team/a b", ct);
        Assert.Equal("from api", Messages.TextOf(stored!));
    }

    [Fact]
    public async Task AStoredDocumentThatIsNotOpenIsServedFromStorage()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await StartAsync();
        var doc = new Doc();
        doc.GetMap("meta").Set("title", "Plan");
        doc.GetArray("items").Insert(0, new List<object?> { 1d, "two" });
        await server.App.Services.GetRequiredService<IDocumentStore>().StoreAsync("archived", doc.EncodeStateAsUpdate(), ct);

        var json = await Authorized(server).GetStringAsync(new Uri("/api/documents/archived", UriKind.Relative), ct);

        Assert.Equal("""{"items":[1,"two"],"meta":{"title":"Plan"}}""", json);
        Assert.Equal(HttpStatusCode.NotFound, (await Authorized(server).GetAsync(new Uri("/api/documents/missing", UriKind.Relative), ct)).StatusCode);
    }

    [Fact]
    public async Task AMalformedUpdateIsRejectedWithoutTouchingTheDocument()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await StartAsync();

        var post = await Authorized(server).PostAsync(new Uri("/api/documents/doc/update", UriKind.Relative), Binary([0x01, 0x05, 0xff, 0xff]), ct);

        Assert.Equal(HttpStatusCode.BadRequest, post.StatusCode);
        Assert.Null(server.Server.Documents.Find("doc"));
        Assert.Null(await server.App.Services.GetRequiredService<IDocumentStore>().LoadAsync("doc", ct));
    }

    [Fact]
    public async Task ClosingConnectionsSendsCloseToTheClients()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await StartAsync();
        await using var client = await server.ConnectAsync();
        await client.JoinAsync("doc");

        var response = await Authorized(server).DeleteAsync(new Uri("/api/documents/doc/connections", UriKind.Relative), ct);

        Assert.Equal(1, (int?)(await response.Content.ReadFromJsonAsync<JsonObject>(ct))!["closed"]);
        await client.WaitForAsync(m => m.Type == MessageType.Close);
    }

    [Fact]
    public async Task WithoutADocumentStoreAMissingDocumentIsNotFoundAndNeitherStoredNorKept()
    {
        var ct = TestContext.Current.CancellationToken;
        var persistence = new MemoryStore();
        await using var server = await ExtensionServer.StartAsync(
            _folder.File("unused.db"),
            new Dictionary<string, string?> { ["Collab:Api:Key"] = Key, ["Collab:Sqlite:Enabled"] = "false" },
            extensions: [persistence.Extension]);
        using var http = Authorized(server);

        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync(new Uri("/api/documents/missing", UriKind.Relative), ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync(new Uri("/api/documents/missing/update", UriKind.Relative), ct)).StatusCode);

        Assert.Equal(0, persistence.AttemptCount);
        Assert.Empty(persistence.Documents);
        await Eventually.TrueAsync(() => server.Server.GetDocumentsCount() == 0, "the document to be unloaded");
    }

    [Fact]
    public async Task WithoutADocumentStoreADocumentIsLoadedThroughTheHooksAndReadWithoutStoringIt()
    {
        var ct = TestContext.Current.CancellationToken;
        var persistence = new MemoryStore();
        var doc = new Doc();
        doc.GetMap("meta").Set("title", "Plan");
        persistence.Documents["archived"] = doc.EncodeStateAsUpdate();
        await using var server = await ExtensionServer.StartAsync(
            _folder.File("unused.db"),
            new Dictionary<string, string?> { ["Collab:Api:Key"] = Key, ["Collab:Sqlite:Enabled"] = "false" },
            extensions: [persistence.Extension]);
        using var http = Authorized(server);

        Assert.Equal("""{"meta":{"title":"Plan"}}""", await http.GetStringAsync(new Uri("/api/documents/archived", UriKind.Relative), ct));
        var update = await http.GetByteArrayAsync(new Uri("/api/documents/archived/update", UriKind.Relative), ct);

        var copy = new Doc();
        copy.ApplyUpdate(update);
        Assert.Equal("Plan", copy.GetMap("meta").Get("title"));
        Assert.Equal(0, persistence.AttemptCount);
        await Eventually.TrueAsync(() => server.Server.GetDocumentsCount() == 0, "the document to be unloaded");
    }
}
