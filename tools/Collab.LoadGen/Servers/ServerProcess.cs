using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Collab.LoadGen.Measurement;
using Collab.LoadGen.Reports;
using Collab.LoadGen.Scenarios;

namespace Collab.LoadGen.Servers;

/// <summary>
/// A server the generator started on a free loopback port: Collab.SyncServer (fresh temporary data folder as its
/// working directory) or the reference Hocuspocus script. Disposing stops it by PID (SIGTERM, then kill).
/// </summary>
internal sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StreamWriter _output;
    private readonly string _folder;

    private ServerProcess(Process process, StreamWriter output, string folder, ServerTarget target)
    {
        _process = process;
        _output = output;
        _folder = folder;
        Target = target;
    }

    public ServerTarget Target { get; }

    public static async Task<ServerProcess> StartAsync(ServerKind kind, LaunchSettings settings, TextWriter log, CancellationToken cancellationToken)
    {
        var port = FreePort();
        var folder = Directory.CreateTempSubdirectory($"collab-loadgen-{kind.ToString().ToLowerInvariant()}-").FullName;
        var info = kind switch
        {
            ServerKind.Collab => CollabStartInfo(settings, port, folder),
            _ => HocuspocusStartInfo(settings, port),
        };
        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        info.UseShellExecute = false;

        var output = new StreamWriter(Path.Combine(folder, "server.log")) { AutoFlush = true };
        var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {info.FileName}");
        process.OutputDataReceived += (_, e) => Write(output, e.Data);
        process.ErrorDataReceived += (_, e) => Write(output, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var name = kind == ServerKind.Collab ? "Collab" : "Hocuspocus";
        var server = new ServerProcess(process, output, folder, new ServerTarget(name, new Uri($"ws://127.0.0.1:{port}/"), process.Id));
        try
        {
            await WaitUntilReadyAsync(process, port, settings.StartTimeout, cancellationToken);
        }
        catch
        {
            var transcript = server.Transcript();
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
        var running = Target.Name == "Collab" ? StorageFigures.FileBytes(database) : 0;
        await StopAsync();
        if (Target.Name == "Collab")
        {
            StorageFigures.AddTo(result, database, running, log);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _process.Dispose();
        lock (_output)
        {
            _output.Dispose();
        }

        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private async Task StopAsync()
    {
        if (!_process.HasExited)
        {
            Posix.Terminate(_process.Id);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            try
            {
                await _process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill();
                await _process.WaitForExitAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
            }
        }
    }

    private string Transcript()
    {
        lock (_output)
        {
            _output.Flush();
        }

        var lines = File.ReadAllLines(Path.Combine(_folder, "server.log"));
        return string.Join('\n', lines.TakeLast(30));
    }

    private static ProcessStartInfo CollabStartInfo(LaunchSettings settings, int port, string folder)
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
        // Default SQLite persistence, in a fresh database per run.
        info.ArgumentList.Add("--sqlite");
        info.ArgumentList.Add(Path.Combine(folder, "collab.db"));
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

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static void Write(StreamWriter output, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (output)
        {
            try
            {
                output.WriteLine(line);
            }
            catch (ObjectDisposedException)
            {
            }
        }
    }
}
