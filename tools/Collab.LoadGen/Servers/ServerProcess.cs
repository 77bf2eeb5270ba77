using System.Diagnostics;
using Collab.LoadGen.Reports;
using Collab.LoadGen.Scenarios;

namespace Collab.LoadGen.Servers;

/// <summary>
/// A server the generator started on a free loopback port: Collab.SyncServer (fresh temporary data folder as its
/// working directory) or the reference Hocuspocus script. Disposing stops it by PID (SIGTERM, then kill).
/// </summary>
internal sealed class ServerProcess : IAsyncDisposable
{
    private readonly StartedProcess _process;
    private readonly ServerKind _kind;
    private readonly string _folder;

    private ServerProcess(StartedProcess process, ServerKind kind, string folder, ServerTarget target)
    {
        _process = process;
        _kind = kind;
        _folder = folder;
        Target = target;
    }

    public ServerTarget Target { get; }

    /// <param name="kind">Which server.</param>
    /// <param name="settings">Where its program is.</param>
    /// <param name="log">Where the start is reported.</param>
    /// <param name="cancellationToken">Stops waiting for it.</param>
    /// <param name="replica">For one replica of several: the broker they share and this replica's id.</param>
    public static async Task<ServerProcess> StartAsync(
        ServerKind kind, LaunchSettings settings, TextWriter log, CancellationToken cancellationToken, ReplicaLink? replica = null)
    {
        var port = StartedProcess.FreePort();
        var folder = Directory.CreateTempSubdirectory($"collab-loadgen-{kind.ToString().ToLowerInvariant()}-").FullName;
        var info = kind switch
        {
            ServerKind.Collab => CollabStartInfo(settings, port, folder, replica?.WorkerUrl is null),
            _ => HocuspocusStartInfo(settings, port),
        };
        if (replica is not null)
        {
            AddReplicaArguments(info, kind, replica);
        }

        StartedProcess process;
        try
        {
            process = StartedProcess.Start(info, Path.Combine(folder, "server.log"));
        }
        catch
        {
            Directory.Delete(folder, recursive: true);
            throw;
        }

        var name = (kind == ServerKind.Collab ? "Collab" : "Hocuspocus") + (replica is null ? "" : $" {replica.Id}");
        var server = new ServerProcess(process, kind, folder, new ServerTarget(name, new Uri($"ws://127.0.0.1:{port}/"), process.Id));
        try
        {
            await WaitUntilReadyAsync(process.Process, port, settings.StartTimeout, cancellationToken);
        }
        catch
        {
            var transcript = process.Transcript();
            await server.DisposeAsync();
            throw new InvalidOperationException($"{name} did not become ready on port {port} within {settings.StartTimeout.TotalSeconds:0} s. Output:\n{transcript}");
        }

        log.WriteLine($"{name} started: pid {process.Id}, {server.Target.WebSocketUri}");
        return server;
    }

    /// <summary>
    /// Stops the server (SIGTERM: a graceful stop that writes the final stores) and, for Collab, adds the figures of the
    /// database it left (<see cref="StorageFigures"/>) to <paramref name="result"/>.
    /// </summary>
    public async Task StopAndMeasureAsync(ScenarioResult result, TextWriter log)
    {
        var database = Path.Combine(_folder, "collab.db");
        var running = _kind == ServerKind.Collab ? StorageFigures.FileBytes(database) : 0;
        await _process.StopAsync();
        if (_kind == ServerKind.Collab)
        {
            StorageFigures.AddTo(result, database, running, log);
        }
    }

    /// <summary>Stops the server (SIGTERM, then kill) without measuring anything.</summary>
    public Task StopAsync() => _process.StopAsync();

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

    // Hocuspocus: @hocuspocus/extension-redis on the shared redis-server; Collab: the Kafka relay on the shared cluster.
    private static void AddReplicaArguments(ProcessStartInfo info, ServerKind kind, ReplicaLink replica)
    {
        var (addressFlag, idFlag) = kind == ServerKind.Collab ? ("--kafka-brokers", "--kafka-id") : ("--redis", "--redis-identifier");
        info.ArgumentList.Add(addressFlag);
        info.ArgumentList.Add(replica.BrokerAddress);
        info.ArgumentList.Add(idFlag);
        info.ArgumentList.Add(replica.Id);
        if (replica.WorkerUrl is { } worker)
        {
            info.ArgumentList.Add($"--Collab:Persistence:Url={worker}");
            info.ArgumentList.Add($"--Collab:Persistence:ApiKey={WorkerProcess.ApiKey}");
        }
    }

    private static ProcessStartInfo CollabStartInfo(LaunchSettings settings, int port, string folder, bool ownStore)
    {
        var assembly = settings.CollabAssemblyPath;
        if (!File.Exists(assembly))
        {
            throw new FileNotFoundException(
                $"{assembly} not found; build it first: dotnet build -c {settings.Configuration} src/Collab.SyncServer", assembly);
        }

        var info = new ProcessStartInfo("dotnet") { WorkingDirectory = folder };
        info.ArgumentList.Add(assembly);
        info.ArgumentList.Add("--urls");
        info.ArgumentList.Add($"http://127.0.0.1:{port}");
        // Default SQLite persistence, in a fresh database per run (none when a persistence worker stores)
        info.ArgumentList.Add("--sqlite");
        info.ArgumentList.Add(ownStore ? Path.Combine(folder, "collab.db") : "false");
        // Production defaults with warning-level logs: the reference runs quiet too.
        info.Environment["Logging__LogLevel__Default"] = "Warning";
        info.Environment["DOTNET_ENVIRONMENT"] = "Production";
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        // every generated client comes from 127.0.0.1: the per-address rate budget (meant for one client opening many
        // sockets) would be the whole load's budget; the per-socket budget stays
        info.Environment["Collab__SyncServer__AddressMessagesPerSecond"] = "0";
        info.Environment["Collab__SyncServer__AddressBytesPerSecond"] = "0";
        foreach (var (name, value) in settings.CollabEnvironment)
        {
            info.Environment[name] = value;
        }

        return info;
    }

    private static ProcessStartInfo HocuspocusStartInfo(LaunchSettings settings, int port)
    {
        var info = new ProcessStartInfo("node") { WorkingDirectory = Path.GetDirectoryName(Path.GetDirectoryName(settings.HocuspocusScript))! };
        info.ArgumentList.Add(settings.HocuspocusScript);
        info.ArgumentList.Add("--port");
        info.ArgumentList.Add(port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        info.ArgumentList.Add("--host");
        info.ArgumentList.Add("127.0.0.1");
        info.Environment["NODE_ENV"] = "production";
        return info;
    }

    private static async Task WaitUntilReadyAsync(Process process, int port, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < deadline)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"exited with code {process.ExitCode}");
            }

            try
            {
                using var response = await http.GetAsync(new Uri($"http://127.0.0.1:{port}/health"), cancellationToken);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (Exception error) when (error is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
            }

            await Task.Delay(200, cancellationToken);
        }

        throw new TimeoutException("not ready");
    }
}
