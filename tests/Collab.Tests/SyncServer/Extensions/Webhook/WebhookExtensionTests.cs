using System.Security.Cryptography;
using System.Text;
using Collab.SyncServer.Extensions.Webhook;
using Collab.SyncServer.Hooks;
using Collab.Tests.Yjs.Protocols;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Collab.Tests.SyncServer.Extensions.Webhook;

public sealed class WebhookExtensionTests
{
    private const string Secret = "webhook-secret";

    private static IHost CreateHost(Uri url, string events, string debounce = "00:00:00")
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Collab:Webhook:Url"] = url.ToString(),
            ["Collab:Webhook:Secret"] = Secret,
            ["Collab:Webhook:Events"] = events,
            ["Collab:Webhook:Debounce"] = debounce,
            ["Collab:HttpResilience:RetryBaseDelay"] = "00:00:00.010",
        });
        builder.AddServiceDefaults();
        builder.AddCollabWebhook();
        return builder.Build();
    }

    private static WebhookExtension Extension(IHost host) => host.Services.GetServices<ICollabExtension>().OfType<WebhookExtension>().Single();

    private static string ExpectedSignature(byte[] body) =>
        "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(Secret), body));

    private static OnConnectPayload Connect(string documentName)
    {
        var http = new DefaultHttpContext();
        http.Request.Headers["X-Client"] = "editor";
        http.Request.QueryString = new QueryString("?room=blue");
        return new OnConnectPayload
        {
            Services = new ServiceCollection().BuildServiceProvider(),
            DocumentName = documentName,
            Request = http,
            RequestHeaders = http.Request.Headers,
            RequestParameters = http.Request.Query,
            SocketId = "socket",
            ConnectionConfig = new ConnectionConfig(),
            Context = new Dictionary<string, object?>(),
        };
    }

    [Fact]
    public void SignatureIsTheHexHmacSha256OfTheBody() =>
        Assert.Equal("sha256=f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8",
            WebhookSender.Sign("key", "The quick brown fox jumps over the lazy dog"u8));

    [Fact]
    public async Task ConnectIsRetriedOn503SignedAndItsAnswerBecomesTheContext()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var receiver = await WebhookReceiver.StartAsync(ct);
        receiver.Answer(503, 503);
        receiver.AnswerJson = """{"user":{"id":"u-7"},"plan":"pro"}""";
        using var host = CreateHost(receiver.Url, "connect");
        var payload = Connect("team/doc");

        await Extension(host).OnConnect(payload);

        var attempts = new List<WebhookReceiver.Received>();
        for (var i = 0; i < 3; i++)
        {
            attempts.Add(await receiver.NextAsync(ct));
        }

        Assert.Equal([503, 503, 200], attempts.Select(a => a.AnsweredWith));
        Assert.All(attempts, a => Assert.Equal(ExpectedSignature(a.Body), a.Signature));
        var json = attempts[^1].Json;
        Assert.Equal("connect", (string?)json["event"]);
        Assert.Equal("team/doc", (string?)json["payload"]!["documentName"]);
        Assert.Equal("editor", (string?)json["payload"]!["requestHeaders"]!["x-client"]);
        Assert.Equal("blue", (string?)json["payload"]!["requestParameters"]!["room"]);
        Assert.Equal("pro", payload.Context["plan"]);
        Assert.Equal("u-7", ((IDictionary<string, object?>)payload.Context["user"]!)["id"]);
    }

    [Fact]
    public async Task ConnectIsDeniedWhenTheEndpointRefuses()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var receiver = await WebhookReceiver.StartAsync(ct);
        receiver.Answer(403);
        using var host = CreateHost(receiver.Url, "connect");

        var error = await Assert.ThrowsAsync<CollabRejectException>(() => Extension(host).OnConnect(Connect("doc")).AsTask());

        Assert.Equal(CloseCodes.Forbidden, error.Code);
        Assert.Equal(1, receiver.Requests);
    }

    [Fact]
    public async Task ChangesAreDebouncedIntoOneEventWithTheDocumentAsJson()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var receiver = await WebhookReceiver.StartAsync(ct);
        using var host = CreateHost(receiver.Url, "change");
        var time = new ManualTimeProvider();
        using var extension = new WebhookExtension(host.Services.GetRequiredService<WebhookSender>(),
            Options.Create(new WebhookOptions { Url = receiver.Url, Debounce = TimeSpan.FromSeconds(2), DebounceMaxWait = TimeSpan.FromSeconds(10) }),
            time, NullLogger<WebhookExtension>.Instance);
        var document = new FakeDocument("doc");
        var connection = new FakeConnection("doc", document);
        connection.Context["user"] = "ada";

        foreach (var word in new[] { "a", "b", "c" })
        {
            document.Transact(_ => document.Doc.GetText("body").Insert(0, word), new LocalOrigin());
            await extension.OnChange(Change(document, new ConnectionOrigin(connection), connection.Context));
            time.Advance(TimeSpan.FromSeconds(1));
        }

        Assert.Equal(0, receiver.Requests);
        time.Advance(TimeSpan.FromSeconds(1));
        var received = await receiver.NextAsync(ct);

        Assert.Equal("change", (string?)received.Json["event"]);
        Assert.Equal("cba", (string?)received.Json["payload"]!["document"]!["body"]);
        Assert.Equal("ada", (string?)received.Json["payload"]!["context"]!["user"]);
        Assert.Equal(0, extension.PendingChanges);
    }

    [Fact]
    public async Task ContinuousChangesAreSentAfterTheMaximumWait()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var receiver = await WebhookReceiver.StartAsync(ct);
        using var host = CreateHost(receiver.Url, "change");
        var time = new ManualTimeProvider();
        using var extension = new WebhookExtension(host.Services.GetRequiredService<WebhookSender>(),
            Options.Create(new WebhookOptions { Url = receiver.Url, Debounce = TimeSpan.FromSeconds(2), DebounceMaxWait = TimeSpan.FromSeconds(5) }),
            time, NullLogger<WebhookExtension>.Instance);
        var document = new FakeDocument("doc");

        for (var i = 0; i < 6; i++)
        {
            await extension.OnChange(Change(document, new LocalOrigin(), new Dictionary<string, object?>()));
            time.Advance(TimeSpan.FromSeconds(1));
        }

        await receiver.NextAsync(ct);
    }

    [Fact]
    public async Task RelayedChangesAreLeftToTheInstanceThatAcceptedThem()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var receiver = await WebhookReceiver.StartAsync(ct);
        using var host = CreateHost(receiver.Url, "change");
        var extension = Extension(host);

        await extension.OnChange(Change(new FakeDocument("doc"), new RelayOrigin("kafka"), new Dictionary<string, object?>()));

        Assert.Equal(0, extension.PendingChanges);
        Assert.Equal(0, receiver.Requests);
    }

    [Fact]
    public async Task DisconnectEventCarriesTheContext()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var receiver = await WebhookReceiver.StartAsync(ct);
        using var host = CreateHost(receiver.Url, "disconnect,connect");
        var document = new FakeDocument("doc");
        var connection = new FakeConnection("doc", document);
        connection.Context["user"] = new Collab.SyncServer.Auth.AuthenticatedUser("u-1", "Ada", Collab.SyncServer.Auth.DocumentAccess.Write, null);
        connection.Context["socket"] = new MemoryStream();

        await Extension(host).OnDisconnect(new OnDisconnectPayload
        {
            Services = host.Services, DocumentName = "doc", Document = document, Connection = connection, ClientsCount = 0, Code = 1000, Reason = "provider_initiated",
        });

        var json = (await receiver.NextAsync(ct)).Json;
        Assert.Equal("disconnect", (string?)json["event"]);
        Assert.Equal("u-1", (string?)json["payload"]!["context"]!["user"]!["id"]);
        Assert.Equal("Write", (string?)json["payload"]!["context"]!["user"]!["access"]);
    }

    [Fact]
    public async Task CreateAnswerFillsRootTypesThatDoNotExistYet()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var receiver = await WebhookReceiver.StartAsync(ct);
        receiver.AnswerJson = """{"title":"Hello","meta":{"n":1},"tags":["a","b"],"body":"ignored"}""";
        using var host = CreateHost(receiver.Url, "create");
        var document = new FakeDocument("doc");
        document.Doc.GetText("body").Insert(0, "stored");

        await Extension(host).OnLoadDocument(new OnLoadDocumentPayload
        {
            Services = host.Services, DocumentName = "doc", Document = document, RequestHeaders = new HeaderDictionary(), RequestParameters = QueryCollection.Empty,
            SocketId = "s", ConnectionConfig = new ConnectionConfig(), Context = new Dictionary<string, object?>(),
        });

        Assert.Equal("Hello", document.Doc.GetText("title").ToString());
        Assert.Equal("stored", document.Doc.GetText("body").ToString());
        Assert.Equal(1d, document.Doc.GetMap("meta").Get("n"));
        Assert.Equal(["a", "b"], document.Doc.GetArray("tags").ToArray());
    }

    private static OnChangePayload Change(FakeDocument document, TransactionOrigin origin, IDictionary<string, object?> context) => new()
    {
        Services = new ServiceCollection().BuildServiceProvider(),
        DocumentName = document.Name,
        Document = document,
        Update = [0, 0],
        TransactionOrigin = origin,
        Context = context,
        ClientsCount = 1,
    };
}
