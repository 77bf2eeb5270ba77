using System.Collections.Concurrent;
using System.Text;
using Collab.SyncServer.Connections.WebSockets;
using Collab.SyncServer.Hooks;
using Collab.Tests.SyncServer.Support;
using Microsoft.AspNetCore.Http.Features;

namespace Collab.Tests.SyncServer.Protocol;

/// <summary>The opening handshake over loopback, on the direct path (below Kestrel's HTTP stack) and the fallback path.</summary>
public sealed class WebSocketHandshakeTests
{
    /// <summary>Records which path each upgrade took and refuses upgrades that ask for it.</summary>
    internal sealed class UpgradeWatcher : ICollabExtension
    {
        /// <summary>True for an upgrade that came through Kestrel's HTTP stack (it has an upgrade feature).</summary>
        public ConcurrentQueue<bool> ThroughHttpStack { get; } = new();

        public ValueTask OnUpgrade(OnUpgradePayload payload)
        {
            ThroughHttpStack.Enqueue(payload.HttpContext.Features.Get<IHttpUpgradeFeature>() is not null);
            return payload.HttpContext.Request.Query.TryGetValue("refuse", out var code)
                ? throw new CollabRejectException(int.Parse(code!, System.Globalization.CultureInfo.InvariantCulture), "refused")
                : default;
        }
    }

    internal static Task<SyncServerHost> StartAsync(bool direct, params ICollabExtension[] extensions) =>
        SyncServerHost.StartAsync(new Dictionary<string, string?> { ["DirectWebSockets"] = direct ? "true" : "false" }, extensions: extensions);

    [Fact]
    public void TheAcceptKeyIsTheOneOfRfc6455()
    {
        Assert.Equal(RawWebSocket.SampleAccept, WebSocketHandshake.AcceptKey(RawWebSocket.SampleKey));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task TheUpgradeIsAnsweredWithTheRfc6455AcceptKey(bool direct)
    {
        var watcher = new UpgradeWatcher();
        await using var host = await StartAsync(direct, watcher);
        await using var socket = await RawWebSocket.ConnectTcpAsync(host);

        var answer = await socket.UpgradeAsync();

        Assert.Equal(101, answer.Status);
        Assert.Equal(RawWebSocket.SampleAccept, answer.Header("Sec-WebSocket-Accept"));
        Assert.Equal("websocket", answer.Header("Upgrade"), ignoreCase: true);
        Assert.Equal("Upgrade", answer.Header("Connection"), ignoreCase: true);
        Assert.Equal([!direct], watcher.ThroughHttpStack.ToArray());
        await socket.AuthenticateAsync("doc");
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task APlainGetStillAnswersTheWelcomeText(bool direct)
    {
        await using var host = await StartAsync(direct);
        await using var socket = await RawWebSocket.ConnectTcpAsync(host);

        await socket.SendAsync(Encoding.ASCII.GetBytes($"GET / HTTP/1.1\r\nHost: {socket.Authority}\r\n\r\n"));
        var answer = await socket.ReadAnswerAsync();

        Assert.Equal(200, answer.Status);
        Assert.Equal("Welcome to Hocuspocus!", answer.Body);
    }

    [Theory]
    [InlineData(true, "c2hvcnQ=", "13")]
    [InlineData(true, "dGhlIHNhbXBsZSBub25jZQ=", "13")]
    [InlineData(true, "dGhlIHNhbXBsZSBub25jZSB0b28gbG9uZw==", "13")]
    [InlineData(true, RawWebSocket.SampleKey, "7")]
    [InlineData(true, RawWebSocket.SampleKey, "14")]
    [InlineData(true, RawWebSocket.SampleKey, "13, 14")]
    [InlineData(false, "c2hvcnQ=", "13")]
    [InlineData(false, RawWebSocket.SampleKey, "14")]
    public async Task ABadKeyOrVersionIsAnsweredWith400(bool direct, string key, string version)
    {
        await using var host = await StartAsync(direct);
        await using var socket = await RawWebSocket.ConnectTcpAsync(host);

        var answer = await socket.UpgradeAsync(key: key, version: version);

        Assert.Equal(400, answer.Status);
    }

    [Theory]
    [InlineData(true, "8")]
    [InlineData(false, "8")]
    [InlineData(true, "13")]
    public async Task Versions8And13AreAcceptedLikeTheReferencesWs(bool direct, string version)
    {
        await using var host = await StartAsync(direct);
        await using var socket = await RawWebSocket.ConnectTcpAsync(host);

        var answer = await socket.UpgradeAsync(key: RawWebSocket.SampleKey, version: version);

        Assert.Equal(101, answer.Status);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task AnUpgradeAfterAPlainRequestOnTheSameConnectionWorks(bool direct)
    {
        var watcher = new UpgradeWatcher();
        await using var host = await StartAsync(direct, watcher);
        await using var socket = await RawWebSocket.ConnectTcpAsync(host);
        await socket.SendAsync(Encoding.ASCII.GetBytes($"GET / HTTP/1.1\r\nHost: {socket.Authority}\r\n\r\n"));
        Assert.Equal("Welcome to Hocuspocus!", (await socket.ReadAnswerAsync()).Body);

        var answer = await socket.UpgradeAsync();

        await AssertUpgradedAsync(socket, answer, watcher, throughHttpStack: true);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task ARequestHeadSentByteByByteStillUpgrades(bool direct)
    {
        var watcher = new UpgradeWatcher();
        await using var host = await StartAsync(direct, watcher);
        await using var socket = await RawWebSocket.ConnectTcpAsync(host);

        foreach (var b in Encoding.ASCII.GetBytes(socket.UpgradeRequest()))
        {
            await socket.SendAsync([b]);
        }

        var answer = await socket.ReadAnswerAsync();
        await AssertUpgradedAsync(socket, answer, watcher, throughHttpStack: !direct);
    }

    [Theory]
    [InlineData(true, "/", 401)]
    [InlineData(false, "/", 401)]
    [InlineData(true, "/", 429)]
    [InlineData(false, "/", 429)]
    [InlineData(true, "/yws/doc", 403)]
    [InlineData(false, "/yws/doc", 403)]
    public async Task AnOnUpgradeHookThatRefusesSetsTheStatus(bool direct, string path, int status)
    {
        var watcher = new UpgradeWatcher();
        await using var host = await StartAsync(direct, watcher);
        await using var socket = await RawWebSocket.ConnectTcpAsync(host);

        var code = status == 401 ? CloseCodes.Unauthorized : status;
        var answer = await socket.UpgradeAsync($"{path}?refuse={code}");

        Assert.Equal(status, answer.Status);
        Assert.Null(answer.Header("Sec-WebSocket-Accept"));
        Assert.Equal([!direct], watcher.ThroughHttpStack.ToArray());
        await using var other = await RawWebSocket.OpenAsync(host);
        await other.AuthenticateAsync("doc");
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task FramesSentTogetherWithTheRequestHeadAreRead(bool direct)
    {
        await using var host = await StartAsync(direct);
        await using var socket = await RawWebSocket.ConnectTcpAsync(host);

        await socket.SendAsync([.. Encoding.ASCII.GetBytes(socket.UpgradeRequest()), .. RawWebSocket.Frame(0x9, "early"u8), .. RawWebSocket.Frame(0x2, Messages.Auth("doc", ""))]);

        Assert.Equal(101, (await socket.ReadAnswerAsync()).Status);
        var pong = await socket.ReadFrameAsync();
        Assert.Equal((0xA, "early"), (pong.Opcode, Encoding.ASCII.GetString(pong.Payload)));
        await socket.WaitForMessageAsync(m => m.Address == "doc" && m.Type == Collab.SyncServer.Protocol.MessageType.Auth);
    }

    [Fact]
    public async Task ABrowserStyleRequestIsAnsweredOnTheDirectPath()
    {
        var watcher = new UpgradeWatcher();
        await using var host = await StartAsync(true, watcher);
        await using var socket = await RawWebSocket.ConnectTcpAsync(host);
        var head = $"GET /?token=abc&x=1 HTTP/1.1\r\nhost: {socket.Authority}\r\nuser-agent: test\r\nconnection: keep-alive, Upgrade\r\n"
            + $"upgrade: websocket\r\nsec-websocket-version: 13\r\nsec-websocket-key: {RawWebSocket.SampleKey}\r\n"
            + "sec-websocket-extensions: permessage-deflate; client_max_window_bits\r\norigin: http://example.test\r\n\r\n";

        await socket.SendAsync(Encoding.ASCII.GetBytes(head));

        var answer = await socket.ReadAnswerAsync();
        Assert.Equal(101, answer.Status);
        Assert.Equal(RawWebSocket.SampleAccept, answer.Header("Sec-WebSocket-Accept"));
        Assert.Null(answer.Header("Sec-WebSocket-Extensions"));
        Assert.Equal([false], watcher.ThroughHttpStack.ToArray());
        await socket.AuthenticateAsync("doc");
    }

    [Fact]
    public async Task ARequestHeadLargerThanTheDirectPathReadsGoesToTheHttpStackIntact()
    {
        var watcher = new UpgradeWatcher();
        await using var host = await StartAsync(true, watcher);
        await using var socket = await RawWebSocket.ConnectTcpAsync(host);
        var request = socket.UpgradeRequest();
        var cookie = $"Cookie: c={new string('x', WebSocketHandshake.MaxRequestHeadBytes)}\r\n";

        await socket.SendAsync(Encoding.ASCII.GetBytes(request[..^2] + cookie + "\r\n"));

        var answer = await socket.ReadAnswerAsync();
        await AssertUpgradedAsync(socket, answer, watcher, throughHttpStack: true);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task AYWebsocketUpgradeGetsTheServersSyncStep1(bool direct)
    {
        var watcher = new UpgradeWatcher();
        await using var host = await StartAsync(direct, watcher);

        await using var socket = await RawWebSocket.OpenAsync(host, "/yws/room");

        var first = await socket.ReadFrameAsync();
        Assert.Equal((0x2, false), (first.Opcode, first.Masked));
        Assert.Equal([0x00, 0x00, 0x01, 0x00], first.Payload);
        Assert.Equal([!direct], watcher.ThroughHttpStack.ToArray());
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task AnUpgradeToAnotherPathIsNotFound(bool direct)
    {
        await using var host = await StartAsync(direct);
        await using var socket = await RawWebSocket.ConnectTcpAsync(host);

        var answer = await socket.UpgradeAsync("/elsewhere");

        Assert.Equal(404, answer.Status);
    }

    /// <summary>The answer is a 101 with the right accept key, it came through the expected path, and the socket works.</summary>
    private static async Task AssertUpgradedAsync(RawWebSocket socket, HttpAnswer answer, UpgradeWatcher watcher, bool throughHttpStack)
    {
        Assert.Equal(101, answer.Status);
        Assert.Equal(RawWebSocket.SampleAccept, answer.Header("Sec-WebSocket-Accept"));
        Assert.Equal([throughHttpStack], watcher.ThroughHttpStack.ToArray());
        await socket.AuthenticateAsync("doc");
    }
}
