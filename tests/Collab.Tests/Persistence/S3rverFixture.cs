using Collab.Tests.Support;

namespace Collab.Tests.Persistence;

/// <summary>
/// A real S3-compatible server, npm's <c>s3rver</c> (installed in tests/js by scripts/setup.sh), on a free loopback
/// port with its data in a temporary folder. It can be stopped and started again on the same port and data, for outage
/// tests; disposing it ends the node process (by PID) and deletes the data.
/// </summary>
public sealed class S3rverFixture : IAsyncLifetime
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);
    private readonly string _directory = Directory.CreateTempSubdirectory("collab-s3rver-").FullName;
    private ChildProcess? _server;

    /// <summary>The port it listens on (fixed after the first start).</summary>
    public int Port { get; private set; }

    /// <summary>The endpoint for <c>ServiceUrl</c>.</summary>
    public string ServiceUrl => $"http://127.0.0.1:{Port}";

    public ValueTask InitializeAsync() => new(StartAsync());

    /// <summary>Starts the server (on <see cref="Port"/> once it has one) and waits until it listens.</summary>
    public async Task StartAsync()
    {
        if (_server is not null)
        {
            return;
        }

        var script = Path.Combine(NodeScript.TestsJsDirectory, "node_modules", "s3rver");
        if (!Directory.Exists(script))
        {
            throw new InvalidOperationException("s3rver is not installed in tests/js (the S3 storage tests need it): run scripts/setup.sh.");
        }

        var server = ChildProcess.Start("node", ["storage/s3rver.mjs", _directory, Port.ToString(System.Globalization.CultureInfo.InvariantCulture)], NodeScript.TestsJsDirectory);
        try
        {
            var port = await server.WaitForLineAsync("listening ", StartTimeout, CancellationToken.None);
            Port = int.Parse(port, System.Globalization.CultureInfo.InvariantCulture);
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }

        _server = server;
    }

    /// <summary>Stops the server (SIGTERM) and waits for it to exit; the data stays.</summary>
    public async Task StopAsync()
    {
        if (_server is { } server)
        {
            _server = null;
            await server.StopAsync(TimeSpan.FromSeconds(20), CancellationToken.None);
            await server.DisposeAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is { } server)
        {
            _server = null;
            await server.DisposeAsync();
        }

        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // the OS temp cleaner takes it
        }
    }
}
