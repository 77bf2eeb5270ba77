using System.Text.RegularExpressions;
using Collab.Tests.Support;

namespace Collab.Tests.SyncServer.E2E;

/// <summary>
/// The built Collab.SyncServer as a child process on a free loopback port with its SQLite database in
/// the given file, for scenarios that restart or signal the server.
/// </summary>
internal sealed partial class SyncServerProcess(ChildProcess process, Uri address) : IAsyncDisposable
{
    /// <summary>The Hocuspocus endpoint (ws://127.0.0.1:port).</summary>
    public Uri Address { get; } = address;

    public string Transcript => process.Transcript;

    /// <summary>Starts the server; with a null <paramref name="databasePath"/> no <c>--sqlite</c> flag is given (the configuration decides).</summary>
    public static async Task<SyncServerProcess> StartAsync(string? databasePath, CancellationToken cancellationToken, params string[] arguments)
    {
        var process = ChildProcess.StartDotnet(
            RepositoryPaths.BuiltAssembly("src", "Collab.SyncServer"),
            ["--urls", "http://127.0.0.1:0", .. databasePath is null ? Array.Empty<string>() : ["--sqlite", databasePath], .. arguments]);
        try
        {
            var line = await process.WaitForLineAsync("", TimeSpan.FromSeconds(60), cancellationToken, l => ListeningOn().IsMatch(l));
            var port = ListeningOn().Match(line).Groups[1].Value;
            return new SyncServerProcess(process, new Uri($"ws://127.0.0.1:{port}"));
        }
        catch
        {
            await process.DisposeAsync();
            throw;
        }
    }

    /// <summary>Sends SIGTERM and returns the exit code.</summary>
    public Task<int> StopAsync(TimeSpan timeout, CancellationToken cancellationToken) => process.StopAsync(timeout, cancellationToken);

    /// <summary>SIGKILL: no graceful shutdown, no final store.</summary>
    public ValueTask KillAsync() => process.DisposeAsync();

    /// <summary>Kills the process (no graceful shutdown) if it still runs.</summary>
    public ValueTask DisposeAsync() => process.DisposeAsync();

    [GeneratedRegex(@"Now listening on: http://127\.0\.0\.1:(\d+)")]
    private static partial Regex ListeningOn();
}
