using System.Net;
using System.Net.Sockets;

namespace Collab.Tests.SyncServer.Protocol;

/// <summary>Connected loopback TCP pairs and exact reads, for the tests of the direct socket writers.</summary>
internal static class LoopbackSockets
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    /// <summary><paramref name="count"/> connections: the accepted (server) side and the connecting (client) side of each.</summary>
    public static async Task<List<(Socket Server, Socket Client)>> PairsAsync(int count)
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(count);
        var pairs = new List<(Socket, Socket)>();
        for (var i = 0; i < count; i++)
        {
            var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            var accept = listener.AcceptAsync(TestContext.Current.CancellationToken).AsTask();
            await client.ConnectAsync(listener.LocalEndPoint!, TestContext.Current.CancellationToken);
            pairs.Add((await accept, client));
        }

        return pairs;
    }

    /// <summary>Reads exactly <paramref name="count"/> bytes (the peer must not close first).</summary>
    public static async Task<byte[]> ReceiveExactlyAsync(Socket socket, int count)
    {
        var received = new byte[count];
        var offset = 0;
        using var timeout = new CancellationTokenSource(Patience);
        while (offset < count)
        {
            var n = await socket.ReceiveAsync(received.AsMemory(offset), SocketFlags.None, timeout.Token);
            Assert.NotEqual(0, n);
            offset += n;
        }

        return received;
    }
}
