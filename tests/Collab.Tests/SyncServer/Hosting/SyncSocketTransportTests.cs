using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Collab.SyncServer.Hooks;
using Collab.SyncServer.Hosting;
using Collab.SyncServer.Protocol;
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
    public async Task AFrameSentRightBehindTheUpgradeHeadIsRead()
    {
        await using var host = await SyncServerHost.StartAsync();
        await using var socket = await RawWebSocket.ConnectTcpAsync(host);
        var head = Encoding.ASCII.GetBytes(socket.UpgradeRequest());
        var auth = RawWebSocket.Frame(0x2, Messages.Auth("doc", ""));

        await socket.SendAsync([.. head, .. auth]);

        Assert.Equal(101, (await socket.ReadAnswerAsync()).Status);
        await socket.WaitForMessageAsync(m => m.Address == "doc" && m.Type == MessageType.Auth);
        Assert.Equal(1, Assert.Single(TransportOf(host).Listeners).ServedCount);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task ConnectionChurnOfEveryKindLeavesNothingBehindAndTheServerServing(bool directTransport)
    {
        await using var host = await SyncServerHost.StartAsync(new Dictionary<string, string?> { ["DirectTransport"] = directTransport ? "true" : "false" });
        var listeners = TransportOf(host).Listeners;
        Assert.Equal(directTransport ? 1 : 0, listeners.Count);
        var endpoint = new IPEndPoint(IPAddress.Loopback, host.App.Address.Port);

        for (var batch = 0; batch < 6; batch++)
        {
            await Task.WhenAll(Enumerable.Range(0, 40).Select(i => ChurnAsync(host, endpoint, (batch * 40) + i)));
        }

        await Eventually.TrueAsync(() => listeners.All(l => l.ServedCount == 0), "every directly served socket to be gone");
        await Eventually.TrueAsync(() => host.Server.GetConnectionsCount() == 0, "every session to be gone");
        Assert.DoesNotContain(host.App.Log.Text.Split('\n'), line => line.Contains("s Error ", StringComparison.Ordinal) || line.Contains("s Critical ", StringComparison.Ordinal));
        await using var client = await RawWebSocket.OpenAsync(host);
        await client.AuthenticateAsync("doc");
        Assert.Equal(directTransport ? 1 : 0, listeners.Sum(l => l.ServedCount));
    }

    /// <summary>One connection that behaves in one of seven ways, chosen by <paramref name="n"/>.</summary>
    private static async Task ChurnAsync(SyncServerHost host, IPEndPoint endpoint, int n)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(endpoint, TestContext.Current.CancellationToken);
        var upgrade = Encoding.ASCII.GetBytes($"GET /?n={n} HTTP/1.1\r\nHost: {endpoint}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: {RawWebSocket.SampleKey}\r\nSec-WebSocket-Version: 13\r\n\r\n");
        var auth = RawWebSocket.Frame(0x2, Messages.Auth($"doc-{n % 5}", ""), mask: (uint)n);
        switch (n % 7)
        {
            case 0:
                // upgrade, authenticate, read the answer, leave with a close frame
                await socket.SendAsync((byte[])[.. upgrade, .. auth], SocketFlags.None, TestContext.Current.CancellationToken);
                await ReadSomeAsync(socket);
                await socket.SendAsync(RawWebSocket.Frame(0x8, [0x03, 0xE8], mask: (uint)n), SocketFlags.None, TestContext.Current.CancellationToken);
                break;
            case 1:
                // upgrade and authenticate, then reset
                await socket.SendAsync((byte[])[.. upgrade, .. auth], SocketFlags.None, TestContext.Current.CancellationToken);
                socket.LingerState = new LingerOption(true, 0);
                break;
            case 2:
                // half a head, then gone
                await socket.SendAsync(upgrade[..(upgrade.Length / 2)], SocketFlags.None, TestContext.Current.CancellationToken);
                break;
            case 3:
                // nothing at all
                break;
            case 4:
                await socket.SendAsync(Encoding.ASCII.GetBytes($"GET / HTTP/1.1\r\nHost: {endpoint}\r\nConnection: close\r\n\r\n"), SocketFlags.None, TestContext.Current.CancellationToken);
                await ReadSomeAsync(socket);
                break;
            case 5:
                await socket.SendAsync(Encoding.ASCII.GetBytes("\u0016\u0003\u0001 not http at all\r\n\r\n"), SocketFlags.None, TestContext.Current.CancellationToken);
                break;
            default:
                // upgrade, then a frame cut in the middle, then half-close
                await socket.SendAsync((byte[])[.. upgrade, .. auth[..3]], SocketFlags.None, TestContext.Current.CancellationToken);
                socket.Shutdown(SocketShutdown.Send);
                await ReadSomeAsync(socket);
                break;
        }
    }

    private static async Task ReadSomeAsync(Socket socket)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(10));
        await socket.ReceiveAsync(new byte[4096], SocketFlags.None, timeout.Token);
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
