using System.Net.Sockets;
using System.Text;
using Collab.Yjs.Protocols;

namespace Collab.Tests.SyncServer.Support;

/// <summary>A WebSocket client written by hand over TCP that authenticates and then never reads again.</summary>
internal sealed class StalledClient : IAsyncDisposable
{
    private readonly TcpClient _tcp;

    private StalledClient(TcpClient tcp) => _tcp = tcp;

    public static async Task<StalledClient> JoinAsync(SyncServerHost host, string document)
    {
        var ct = TestContext.Current.CancellationToken;
        var tcp = new TcpClient { ReceiveBufferSize = 4096 };
        await tcp.ConnectAsync(host.App.Address.Host, host.App.Address.Port, ct);
        var stream = tcp.GetStream();
        var request = $"GET / HTTP/1.1\r\nHost: {host.App.Address.Authority}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request), ct);
        var buffer = new byte[1024];
        var head = "";
        while (!head.Contains("\r\n\r\n", StringComparison.Ordinal))
        {
            var n = await stream.ReadAsync(buffer, ct);
            head += Encoding.ASCII.GetString(buffer, 0, n);
        }

        await stream.WriteAsync(Mask(Messages.Auth(document, "")), ct);
        await stream.WriteAsync(Mask(Messages.Sync(document, SyncMessage.SyncStep1([0]))), ct);
        return new StalledClient(tcp);
    }

    private static byte[] Mask(byte[] payload)
    {
        // small client frames: FIN + binary, masked with a zero key
        var frame = new List<byte> { 0x82 };
        if (payload.Length < 126)
        {
            frame.Add((byte)(0x80 | payload.Length));
        }
        else
        {
            frame.Add(0x80 | 126);
            frame.Add((byte)(payload.Length >> 8));
            frame.Add((byte)payload.Length);
        }

        frame.AddRange([0, 0, 0, 0]);
        frame.AddRange(payload);
        return [.. frame];
    }

    public ValueTask DisposeAsync()
    {
        _tcp.Dispose();
        return default;
    }
}
