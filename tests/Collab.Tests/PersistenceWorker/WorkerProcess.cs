using Collab.Tests.Support;

namespace Collab.Tests.PersistenceWorker;

/// <summary>The built Collab.Persistence worker as a child process on a free loopback port, for tests that kill it.</summary>
internal sealed class WorkerProcess(ChildProcess process, Uri address) : IAsyncDisposable
{
    /// <summary>The worker's HTTP address (http://127.0.0.1:port/).</summary>
    public Uri Address { get; } = address;

    public string Transcript => process.Transcript;

    public static async Task<WorkerProcess> StartAsync(string bootstrap, string prefix, string databasePath, CancellationToken cancellationToken, params string[] arguments)
    {
        var (process, port) = await ChildProcess.StartListeningAsync(
            RepositoryPaths.BuiltAssembly("src", "Collab.Persistence"),
            [
                $"--Collab:Persistence:BootstrapServers={bootstrap}",
                $"--Collab:Persistence:Prefix={prefix}",
                $"--Collab:Persistence:ApiKey={WorkerHost.ApiKey}",
                $"--Collab:Storage:Sqlite:Path={databasePath}",
                "--Collab:Persistence:Debounce=00:00:00.050",
                "--Collab:Persistence:MaxDebounce=00:00:00.250",
                "--Collab:Persistence:CommitInterval=00:00:00.200",
                .. arguments,
            ],
            cancellationToken);
        return new WorkerProcess(process, new Uri($"http://127.0.0.1:{port}/"));
    }

    /// <summary>SIGTERM: the worker writes everything out, commits and leaves the group.</summary>
    public Task<int> StopAsync(TimeSpan timeout, CancellationToken cancellationToken) => process.StopAsync(timeout, cancellationToken);

    /// <summary>SIGKILL: no final write, no commit.</summary>
    public ValueTask KillAsync() => process.DisposeAsync();

    public ValueTask DisposeAsync() => process.DisposeAsync();
}
