using System.Net;
using System.Net.Sockets;

namespace Collab.Tests.Editor;

/// <summary>
/// A TCP load balancer on a free loopback port that hands each new connection to the next of its targets, as the Aspire
/// orchestrator's proxy does (connection-level balancing): HTTP requests and WebSockets alike. It can also play a network
/// outage: <see cref="Cut"/> drops every connection and refuses new ones until <see cref="Restore"/>.
/// </summary>
internal sealed class RoundRobinBalancer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly IReadOnlyList<Uri> _targets;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _pipes = [];
    private readonly int[] _accepted;
    private readonly HashSet<TcpClient> _open = [];
    private volatile bool _cut;
    private readonly Task _accepting;
    private int _next = -1;

    public RoundRobinBalancer(IReadOnlyList<Uri> targets)
    {
        _targets = targets;
        _accepted = new int[targets.Count];
        _listener.Start();
        Address = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");
        _accepting = AcceptAsync();
    }

    public Uri Address { get; }

    /// <summary>How many connections each target was given.</summary>
    public IReadOnlyList<int> Accepted => [.. _accepted];

    private async Task AcceptAsync()
    {
        try
        {
            while (true)
            {
                var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                if (_cut)
                {
                    client.Client.LingerState = new LingerOption(true, 0);
                    client.Dispose();
                    continue;
                }

                var index = (int)((uint)Interlocked.Increment(ref _next) % (uint)_targets.Count);
                Interlocked.Increment(ref _accepted[index]);
                lock (_pipes)
                {
                    _pipes.Add(PipeAsync(client, _targets[index]));
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
        {
            // stopped
        }
    }

    /// <summary>Drops every open connection (with a reset) and refuses new ones.</summary>
    public void Cut()
    {
        _cut = true;
        lock (_open)
        {
            foreach (var socket in _open)
            {
                socket.Client.LingerState = new LingerOption(true, 0);
                socket.Dispose();
            }

            _open.Clear();
        }
    }

    /// <summary>Accepts connections again.</summary>
    public void Restore() => _cut = false;

    private async Task PipeAsync(TcpClient client, Uri target)
    {
        using (client)
        using (var upstream = new TcpClient())
        {
            lock (_open)
            {
                _open.Add(client);
                _open.Add(upstream);
            }

            try
            {
                await upstream.ConnectAsync(target.Host, target.Port, _stop.Token);
                var down = client.GetStream();
                var up = upstream.GetStream();
                await Task.WhenAny(down.CopyToAsync(up, _stop.Token), up.CopyToAsync(down, _stop.Token));
            }
            catch (Exception e) when (e is OperationCanceledException or IOException or SocketException or ObjectDisposedException)
            {
                // one side went away: both are closed
            }
            finally
            {
                lock (_open)
                {
                    _open.Remove(client);
                    _open.Remove(upstream);
                }
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        Task[] pipes;
        lock (_pipes)
        {
            pipes = [.. _pipes];
        }

        await Task.WhenAll(pipes).WaitAsync(TimeSpan.FromSeconds(10));
        _stop.Dispose();
    }
}
