using Collab.SyncServer.Protocol;
using Collab.Tests.SyncServer.Support;
using Collab.Tests.Yjs.Protocols;
using Collab.Yjs.Protocols;
using Microsoft.Extensions.DependencyInjection;

namespace Collab.Tests.SyncServer.Protocol;

/// <summary>Server Ping (protocol.md §5.4.10) with <c>PingInterval</c> 20 s and the idle timeout at 60 s, on a manual clock.</summary>
public sealed class PingTests
{
    private static Task<SyncServerHost> StartAsync(ManualTimeProvider time, string pingInterval = "00:00:20") =>
        SyncServerHost.StartAsync(
            new Dictionary<string, string?> { ["Timeout"] = "00:01:00", ["PingInterval"] = pingInterval },
            services => services.AddSingleton<TimeProvider>(time));

    /// <summary>True when a Ping arrives before the server has been quiet for 300 ms (other frames are skipped).</summary>
    private static async Task<bool> ReceivesPingAsync(ProtocolClient client)
    {
        while (await client.TryReceiveAsync(TimeSpan.FromMilliseconds(300)) is { } frame)
        {
            if (frame is [(byte)MessageType.Ping])
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Waits (within the patience) for the server's Ping on a raw socket; other binary frames are skipped, anything else
    /// (a close frame) fails the test.
    /// </summary>
    private static async Task WaitForPingAsync(RawWebSocket socket, string what)
    {
        var deadline = DateTime.UtcNow + RawWebSocket.Patience;
        while (true)
        {
            var frame = await socket.ReadFrameAsync(deadline - DateTime.UtcNow);
            Assert.True(frame.Opcode == 0x2, $"{what}: expected a binary frame, got opcode {frame.Opcode} (close code {frame.CloseCode})");
            if (frame.Payload is [(byte)MessageType.Ping])
            {
                return;
            }
        }
    }

    [Fact]
    public async Task AQuietSocketOfVersion4ProvidersIsPingedAndItsPongsKeepItOpenBeyondTheTimeout()
    {
        var time = new ManualTimeProvider();
        await using var host = await StartAsync(time);
        // a raw socket, so that a WebSocket Ping (a control frame, which never counts as traffic) can prove that the
        // server read a Pong before the clock moves on, without sending traffic that would keep the socket open itself
        await using var socket = await RawWebSocket.OpenAsync(host);
        await socket.AuthenticateAsync("doc");
        await socket.SendMessageAsync(Messages.Sync("doc", SyncMessage.SyncStep1([0])));
        await socket.WaitForMessageAsync(m => m.Address == "doc" && m.Type == MessageType.Sync && m.ReadSync().Type == SyncMessageType.SyncStep2);

        time.Advance(TimeSpan.FromSeconds(10));
        Assert.DoesNotContain(await socket.PingPongAsync(), f => f.Payload is [(byte)MessageType.Ping]);
        for (var i = 0; i < 5; i++)
        {
            time.Advance(TimeSpan.FromSeconds(25));
            await WaitForPingAsync(socket, $"ping {i + 1}");
            await socket.SendMessageAsync([(byte)MessageType.Pong]);
            await socket.PingPongAsync();
        }

        await socket.SendMessageAsync(Messages.Update("doc", Messages.TextInsert("still open")));
        await socket.WaitForMessageAsync(m => m.Type == MessageType.SyncStatus);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("3.4.4")]
    public async Task ProvidersBeforeVersion4AreNeverPinged(string? version)
    {
        var time = new ManualTimeProvider();
        await using var host = await StartAsync(time);
        await using var client = await host.ConnectAsync();
        await client.SendAsync(Messages.Auth("doc", "", version));
        await client.WaitForAsync(MessageType.Auth);

        time.Advance(TimeSpan.FromSeconds(25));
        Assert.False(await ReceivesPingAsync(client));
        time.Advance(TimeSpan.FromSeconds(25));
        Assert.False(await ReceivesPingAsync(client));
    }

    [Fact]
    public async Task AVersion4SocketWhereAnotherAuthHadNoVersionIsNeverPinged()
    {
        var time = new ManualTimeProvider();
        await using var host = await StartAsync(time);
        await using var client = await host.ConnectAsync();
        await client.JoinAsync("a");
        await client.SendAsync(Messages.Auth("b", "", version: null));
        await client.WaitForAsync(m => m.Address == "b" && m.Type == MessageType.Auth);

        time.Advance(TimeSpan.FromSeconds(25));
        Assert.False(await ReceivesPingAsync(client));
    }

    [Fact]
    public async Task YWebsocketClientsAreNeverPinged()
    {
        var time = new ManualTimeProvider();
        await using var host = await StartAsync(time);
        await using var client = await ProtocolClient.ConnectAsync(host.YWebsocketUri("room"));
        Assert.Equal([0x00, 0x00, 0x01, 0x00], await client.ReceiveAsync());

        time.Advance(TimeSpan.FromSeconds(25));
        Assert.False(await ReceivesPingAsync(client));
    }

    [Fact]
    public async Task WithoutAPingIntervalNobodyIsPinged()
    {
        var time = new ManualTimeProvider();
        await using var host = await StartAsync(time, pingInterval: "00:00:00");
        await using var client = await host.ConnectAsync();
        await client.JoinAsync("doc");

        time.Advance(TimeSpan.FromSeconds(25));
        Assert.False(await ReceivesPingAsync(client));
    }
}
