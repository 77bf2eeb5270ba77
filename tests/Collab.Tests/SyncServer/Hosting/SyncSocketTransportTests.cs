using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Collab.SyncServer.Hooks;
using Collab.SyncServer.Hosting;
using Collab.Tests.SyncServer.Protocol;
using Collab.Tests.SyncServer.Support;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;

namespace Collab.Tests.SyncServer.Hosting;

/// <summary>The listener that serves sync-path upgrades on the socket and hands everything else to Kestrel.</summary>
public sealed class SyncSocketTransportTests
{
    /// <summary>Blocks the thread of an upgrade that asks for it until released.</summary>
    private sealed class BlockingUpgrade : ICollabExtension, IDisposable
    {
        public ManualResetEventSlim Release { get; } = new();

        public ValueTask OnUpgrade(OnUpgradePayload payload)
        {
            if (payload.HttpContext.Request.Query.ContainsKey("block"))
            {
                Release.Wait(TimeSpan.FromSeconds(30));
            }

            return default;
        }

        public void Dispose() => Release.Dispose();
    }

    [Fact]
    public async Task AnUpgradeHookThatBlocksItsThreadHoldsUpNoOtherSocket()
    {
        using var blocking = new BlockingUpgrade();
        await using var host = await SyncServerHost.StartAsync(extensions: blocking);
        await using var blocked = await RawWebSocket.ConnectTcpAsync(host);
        await blocked.SendAsync(Encoding.ASCII.GetBytes(blocked.UpgradeRequest("/?block=1")));

        await using var other = await RawWebSocket.OpenAsync(host);
        await other.AuthenticateAsync("doc");
        blocking.Release.Set();

        Assert.Equal(101, (await blocked.ReadAnswerAsync()).Status);
        await blocked.AuthenticateAsync("doc");
    }

    [Fact]
    public async Task UpgradesToTheSyncPathsAreServedOnTheSocketAndOtherRequestsByKestrel()
    {
        await using var host = await SyncServerHost.StartAsync();
        var listener = Assert.Single(TransportOf(host).Listeners);

        await using var hocuspocus = await RawWebSocket.OpenAsync(host);
        await hocuspocus.AuthenticateAsync("doc");
        await using var yws = await RawWebSocket.OpenAsync(host, "/yws/doc");
        using var http = new HttpClient { BaseAddress = host.App.Address };
        Assert.Equal("Welcome to Hocuspocus!", await http.GetStringAsync("/", TestContext.Current.CancellationToken));

        Assert.Equal(2, listener.ServedCount);
        Assert.True(listener.HandedOffCount >= 1);
    }

    [Fact]
    public async Task AnUpgradeWhoseHeadArrivesSlowlyIsLeftToKestrelWhosePipelineServesIt()
    {
        var watcher = new WebSocketHandshakeTests.UpgradeWatcher();
        await using var host = await SyncServerHost.StartAsync(extensions: watcher);
        var listener = Assert.Single(TransportOf(host).Listeners);
        await using var socket = await RawWebSocket.ConnectTcpAsync(host);
        var head = Encoding.ASCII.GetBytes(socket.UpgradeRequest());

        await socket.SendAsync(head[..10]);
        await Eventually.TrueAsync(() => listener.HandedOffCount == 1, "the incomplete head to be left to Kestrel");
        await socket.SendAsync(head[10..]);

        Assert.Equal(101, (await socket.ReadAnswerAsync()).Status);
        await socket.AuthenticateAsync("doc");
        Assert.Equal(0, listener.ServedCount);
        Assert.Equal([false], watcher.ThroughHttpStack.ToArray());
    }

    [Fact]
    public async Task AnEndpointWithTlsIsLeftToKestrelAndAPlaintextUpgradeThereIsNotAnswered()
    {
        using var certificate = SelfSignedCertificate();
        await using var host = await SyncServerHost.StartAsync(services: s => s.Configure<KestrelServerOptions>(k =>
        {
            k.Listen(IPAddress.Loopback, 0);
            k.Listen(IPAddress.Loopback, 0, listen => listen.UseHttps(certificate));
        }));
        var addresses = host.App.App.Urls.Select(u => new Uri(u)).ToList();
        var plain = addresses.Single(a => a.Scheme == "http");
        var tls = addresses.Single(a => a.Scheme == "https");
        var listener = Assert.Single(TransportOf(host).Listeners);
        Assert.Equal(plain.Port, ((IPEndPoint)listener.EndPoint).Port);

        using var raw = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await raw.ConnectAsync(IPAddress.Loopback, tls.Port, TestContext.Current.CancellationToken);
        await raw.SendAsync(Encoding.ASCII.GetBytes($"GET / HTTP/1.1\r\nHost: {tls.Authority}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: {RawWebSocket.SampleKey}\r\nSec-WebSocket-Version: 13\r\n\r\n"), SocketFlags.None, TestContext.Current.CancellationToken);
        var answer = await ReadUntilEndAsync(raw);
        Assert.False(Encoding.ASCII.GetString(answer).StartsWith("HTTP/1.1 101", StringComparison.Ordinal), "a plaintext upgrade on the TLS endpoint was answered");

        using var secure = new ClientWebSocket();
        secure.Options.RemoteCertificateValidationCallback = (_, _, _, _) => true;
        await secure.ConnectAsync(new Uri($"wss://{tls.Authority}/"), TestContext.Current.CancellationToken);
        Assert.Equal(WebSocketState.Open, secure.State);
        Assert.Equal(0, listener.ServedCount);
    }

    [Fact]
    public async Task BytesThatAreNotHttpGoToKestrelWhichAnswersThem()
    {
        await using var host = await SyncServerHost.StartAsync();
        var listener = Assert.Single(TransportOf(host).Listeners);
        await using var socket = await RawWebSocket.ConnectTcpAsync(host);

        await socket.SendAsync(Encoding.ASCII.GetBytes("NONSENSE\r\n\r\n"));

        Assert.Equal(400, (await socket.ReadAnswerAsync()).Status);
        Assert.Equal(0, listener.ServedCount);
        Assert.Equal(1, listener.HandedOffCount);
    }

    [Fact]
    public async Task ADirectlyServedSocketIsForgottenWhenItCloses()
    {
        await using var host = await SyncServerHost.StartAsync();
        var listener = Assert.Single(TransportOf(host).Listeners);
        var socket = await RawWebSocket.OpenAsync(host);
        await socket.AuthenticateAsync("doc");
        Assert.Equal(1, listener.ServedCount);

        await socket.DisposeAsync();

        await Eventually.TrueAsync(() => listener.ServedCount == 0, "the closed socket to leave the listener");
        await Eventually.TrueAsync(() => host.Server.Documents.Count == 0, "the document to unload");
    }

    [Fact]
    public async Task StoppingTheServerClosesDirectlyServedSocketsWithGoingAway()
    {
        var host = await SyncServerHost.StartAsync();
        await using var socket = await RawWebSocket.OpenAsync(host);
        await socket.AuthenticateAsync("doc");

        var stopping = host.DisposeAsync().AsTask();

        Assert.Equal(1001, await socket.WaitForCloseAsync());
        await stopping.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
    }

    [Theory]
    [InlineData("DirectTransport")]
    [InlineData("DirectWebSockets")]
    public async Task WithTheOptionOffKestrelServesEverySocket(string option)
    {
        await using var host = await SyncServerHost.StartAsync(new Dictionary<string, string?> { [option] = "false" });

        using var client = new ClientWebSocket();
        await client.ConnectAsync(host.HocuspocusUri, TestContext.Current.CancellationToken);

        Assert.Empty(TransportOf(host).Listeners);
        Assert.Equal(WebSocketState.Open, client.State);
    }

    [Fact]
    public async Task AKestrelConnectionLimitLeavesEverySocketToKestrel()
    {
        await using var host = await SyncServerHost.StartAsync(services: s => s.Configure<KestrelServerOptions>(k => k.Limits.MaxConcurrentUpgradedConnections = 100));

        await using var socket = await RawWebSocket.OpenAsync(host);
        await socket.AuthenticateAsync("doc");

        Assert.Empty(TransportOf(host).Listeners);
    }

    private static X509Certificate2 SelfSignedCertificate()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        return X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pkcs12), null);
    }

    /// <summary>What the server sends until it ends the connection (or 10 s pass).</summary>
    private static async Task<byte[]> ReadUntilEndAsync(Socket socket)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(10));
        var received = new List<byte>();
        var buffer = new byte[4096];
        try
        {
            while (await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token) is > 0 and var n)
            {
                received.AddRange(buffer.AsSpan(0, n));
            }
        }
        catch (SocketException)
        {
            // reset: the end as well
        }

        return [.. received];
    }

    private static SyncSocketTransport TransportOf(SyncServerHost host) =>
        host.App.Services.GetServices<IConnectionListenerFactory>().OfType<SyncSocketTransport>().Single();
}
