using Collab.Tests.Support;

namespace Collab.Tests.SyncServer.E2E;

/// <summary>
/// The built Collab.SyncServer as a child process on a free loopback port with its SQLite database in
/// the given file, for scenarios that restart or signal the server.
/// </summary>
internal sealed class SyncServerProcess(ChildProcess process, Uri address) : IAsyncDisposable
{
    /// <summary>The Hocuspocus endpoint (ws://127.0.0.1:port).</summary>
    public Uri Address { get; } = address;

    public string Transcript => process.Transcript;

    /// <summary>Starts the server; with a null <paramref name="databasePath"/> no <c>--sqlite</c> flag is given (the configuration decides).</summary>
    public static async Task<SyncServerProcess> StartAsync(string? databasePath, CancellationToken cancellationToken, params string[] arguments)
    {
        var (process, port) = await ChildProcess.StartListeningAsync(
            RepositoryPaths.BuiltAssembly("src", "Collab.SyncServer"),
            [.. databasePath is null ? Array.Empty<string>() : ["--sqlite", databasePath], .. arguments],
            cancellationToken);
        return new SyncServerProcess(process, new Uri($"ws://127.0.0.1:{port}"));
    }

    /// <summary>Sends SIGTERM and returns the exit code.</summary>
    public Task<int> StopAsync(TimeSpan timeout, CancellationToken cancellationToken) => process.StopAsync(timeout, cancellationToken);

    /// <summary>SIGKILL: no graceful shutdown, no final store.</summary>
    public ValueTask KillAsync() => process.DisposeAsync();

    /// <summary>Kills the process (no graceful shutdown) if it still runs.</summary>
    public ValueTask DisposeAsync() => process.DisposeAsync();
}
