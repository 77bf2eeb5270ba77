using System.Net;
using System.Net.Sockets;
using System.Text;
using Collab.Tests.Support;

namespace Collab.Tests.Relay;

/// <summary>
/// A real <c>redis-server</c> (Debian's, installed by scripts/setup.sh) on a free loopback port, without persistence.
/// It can be stopped and started again on the same port, for outage tests; disposing it kills it.
/// </summary>
public sealed class RedisServerFixture : IAsyncLifetime
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(20);
    private readonly SemaphoreSlim _gate = new(1, 1);
    private ChildProcess? _server;

    public int Port { get; } = FreePort();

    /// <summary>The StackExchange.Redis configuration string of the server.</summary>
    public string Configuration => $"127.0.0.1:{Port}";

    public ValueTask InitializeAsync() => new(StartAsync());

    /// <summary>Starts the server (on <see cref="Port"/>) and waits until it answers PING.</summary>
    public async Task StartAsync()
    {
        var executable = FindExecutable()
            ?? throw new InvalidOperationException("redis-server is not installed (the Redis relay tests need it): run scripts/setup.sh.");
        await _gate.WaitAsync();
        try
        {
            if (_server is not null)
            {
                return;
            }

            var server = ChildProcess.Start(
                executable,
                ["--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
                Path.GetTempPath());
            try
            {
                await WaitForPongAsync(server);
            }
            catch
            {
                await server.DisposeAsync();
                throw;
            }

            _server = server;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Stops the server (SIGTERM: it closes every client connection) and waits for it to exit.</summary>
    public async Task StopAsync()
    {
        await _gate.WaitAsync();
        try
        {
            if (_server is { } server)
            {
                _server = null;
                await server.StopAsync(TimeSpan.FromSeconds(20), CancellationToken.None);
                await server.DisposeAsync();
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is { } server)
        {
            _server = null;
            await server.DisposeAsync();
        }

        _gate.Dispose();
    }

    private async Task WaitForPongAsync(ChildProcess server)
    {
        var deadline = DateTime.UtcNow + StartTimeout;
        var ping = "PING\r\n"u8.ToArray();
        while (true)
        {
            try
            {
                using var client = new TcpClient();
                using var attempt = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await client.ConnectAsync(IPAddress.Loopback, Port, attempt.Token);
                var stream = client.GetStream();
                await stream.WriteAsync(ping, attempt.Token);
                var buffer = new byte[64];
                var read = await stream.ReadAsync(buffer, attempt.Token);
                if (Encoding.ASCII.GetString(buffer, 0, read).StartsWith("+PONG", StringComparison.Ordinal))
                {
                    return;
                }
            }
            catch (Exception e) when (e is SocketException or IOException or OperationCanceledException)
            {
                // not listening yet
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"redis-server did not answer PING on port {Port} within {StartTimeout}; its output:\n{server.Transcript}");
            }

            await Task.Delay(50);
        }
    }

    private static string? FindExecutable() =>
        new[] { "/usr/bin/redis-server", "/usr/local/bin/redis-server" }
            .Concat((Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries).Select(d => Path.Combine(d, "redis-server")))
            .FirstOrDefault(File.Exists);

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

[CollectionDefinition(Name)]
public sealed class RedisCollection : ICollectionFixture<RedisServerFixture>
{
    public const string Name = "redis";
}
