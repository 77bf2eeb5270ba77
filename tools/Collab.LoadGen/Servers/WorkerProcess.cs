using System.Diagnostics;
using Collab.LoadGen.Reports;

namespace Collab.LoadGen.Servers;

/// <summary>
/// The persistence worker (Collab.Persistence) beside Collab replicas on the Kafka test cluster: a free loopback port,
/// its SQLite file in a fresh folder, warning-level logs. Disposing stops it by PID.
/// </summary>
internal sealed class WorkerProcess : IAsyncDisposable
{
    public const string ApiKey = "loadgen-worker-key";

    private readonly StartedProcess _process;
    private readonly string _folder;

    private WorkerProcess(StartedProcess process, string folder, Uri address)
    {
        _process = process;
        _folder = folder;
        Address = address;
    }

    public Uri Address { get; }

    public int ProcessId => _process.Id;

    private string Database => Path.Combine(_folder, "worker.db");

    /// <summary>The worker's SQLite file (readable after <see cref="StopAndMeasureAsync"/>).</summary>
    public string DatabasePath => Database;

    public static async Task<WorkerProcess> StartAsync(LaunchSettings settings, string bootstrap, TextWriter log, CancellationToken cancellationToken)
    {
        var assembly = settings.PersistenceAssemblyPath;
        if (!File.Exists(assembly))
        {
            throw new FileNotFoundException($"{assembly} not found; build it first: dotnet build -c {settings.Configuration} src/Collab.Persistence", assembly);
        }

        var port = StartedProcess.FreePort();
        var folder = Directory.CreateTempSubdirectory("collab-loadgen-worker-").FullName;
        var info = new ProcessStartInfo("dotnet") { WorkingDirectory = folder };
        foreach (var argument in new[]
        {
            assembly, "--urls", $"http://127.0.0.1:{port}",
            $"--Collab:Persistence:BootstrapServers={bootstrap}",
            $"--Collab:Persistence:ApiKey={ApiKey}",
            $"--Collab:Storage:Sqlite:Path={Path.Combine(folder, "worker.db")}",
        })
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment["Logging__LogLevel__Default"] = "Warning";
        info.Environment["DOTNET_ENVIRONMENT"] = "Production";
        var process = StartedProcess.Start(info, Path.Combine(folder, "worker.log"));
        var worker = new WorkerProcess(process, folder, new Uri($"http://127.0.0.1:{port}/"));
        try
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
            var deadline = DateTime.UtcNow + settings.StartTimeout;
            while (true)
            {
                if (process.Process.HasExited)
                {
                    throw new InvalidOperationException($"the persistence worker exited: {process.Transcript()}");
                }

                try
                {
                    if ((await http.GetAsync(new Uri(worker.Address, "health"), cancellationToken)).IsSuccessStatusCode)
                    {
                        break;
                    }
                }
                catch (HttpRequestException)
                {
                }

                if (DateTime.UtcNow > deadline)
                {
                    throw new TimeoutException($"the persistence worker was not healthy within {settings.StartTimeout.TotalSeconds:0} s: {process.Transcript()}");
                }

                await Task.Delay(200, cancellationToken);
            }
        }
        catch
        {
            await worker.DisposeAsync();
            throw;
        }

        log.WriteLine($"persistence worker started: pid {process.Id}, {worker.Address}");
        return worker;
    }

    /// <summary>Stops the worker (SIGTERM: it writes everything out and commits) and adds the figures of what it stored.</summary>
    public async Task StopAndMeasureAsync(ScenarioResult result, TextWriter log)
    {
        var running = StorageFigures.FileBytes(Database);
        await _process.StopAsync(TimeSpan.FromSeconds(60));
        StorageFigures.AddTo(result, Database, running, log);
    }

    public async ValueTask DisposeAsync()
    {
        await _process.DisposeAsync();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
