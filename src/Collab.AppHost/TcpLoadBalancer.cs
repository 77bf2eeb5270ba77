using System.Net;
using System.Net.Sockets;
using Collab.AppHost.Resources;

namespace Collab.AppHost;

/// <summary>
/// The one endpoint in front of the SyncServer replicas: each TCP connection goes to the next healthy replica,
/// round-robin, and bytes are copied both ways. Working below HTTP, it carries WebSockets unchanged.
/// (YARP, the usual choice, cannot be restored here.)
/// </summary>
internal sealed class TcpLoadBalancer(IPEndPoint front, IReadOnlyList<Resource> replicas) : IAsyncDisposable
{
    private readonly TcpListener _listener = new(front);
    private readonly CancellationTokenSource _stop = new();
    private Task _accepting = Task.CompletedTask;
    private int _next;

    public IPEndPoint Endpoint => (IPEndPoint)_listener.LocalEndpoint;

    public void Start()
    {
        _listener.Start();
        _accepting = AcceptAsync(_stop.Token);
    }

    private async Task AcceptAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptSocketAsync(cancellationToken);
            }
            catch (Exception error) when (error is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            _ = ForwardAsync(client, cancellationToken);
        }
    }

    private async Task ForwardAsync(Socket client, CancellationToken cancellationToken)
    {
        using (client)
        {
            var healthy = replicas.Where(r => r.State == ResourceState.Healthy && r.Endpoint is not null).ToList();
            if (healthy.Count == 0)
            {
                return;
            }

            var replica = healthy[(int)((uint)Interlocked.Increment(ref _next) % (uint)healthy.Count)];
            using var upstream = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            client.NoDelay = true;
            try
            {
                await upstream.ConnectAsync(replica.Endpoint!.Host, replica.Endpoint.Port, cancellationToken);
                await using var clientStream = new NetworkStream(client, ownsSocket: false);
                await using var upstreamStream = new NetworkStream(upstream, ownsSocket: false);
                var up = CopyThenShutdownAsync(clientStream, upstream, cancellationToken);
                var down = CopyThenShutdownAsync(upstreamStream, client, cancellationToken);
                await Task.WhenAll(up, down);
            }
            catch (Exception error) when (error is IOException or SocketException or OperationCanceledException)
            {
                // A connection that breaks affects only itself.
            }
        }
    }

    private static async Task CopyThenShutdownAsync(Stream from, Socket to, CancellationToken cancellationToken)
    {
        await using var target = new NetworkStream(to, ownsSocket: false);
        try
        {
            await from.CopyToAsync(target, cancellationToken);
        }
        finally
        {
            if (to.Connected)
            {
                to.Shutdown(SocketShutdown.Send);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        _stop.Dispose();
    }
}
