using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Collab.LoadGen.Measurement;

namespace Collab.LoadGen.Servers;

/// <summary>
/// A child process the generator started (a server, redis-server, the Kafka test cluster), its output written to a
/// log file. Disposing stops it by PID: SIGTERM, then kill. Every started process is also registered until it is
/// stopped, and whatever is still running when the generator exits (Ctrl+C, SIGTERM, a failure that skipped the
/// normal stop) is killed then, so no server outlives the tool.
/// </summary>
internal sealed class StartedProcess : IAsyncDisposable
{
    private static readonly ConcurrentDictionary<int, Process> Running = new();
    private readonly StreamWriter _output;
    private readonly string _logPath;

    static StartedProcess() => AppDomain.CurrentDomain.ProcessExit += (_, _) => KillRunning();

    private StartedProcess(Process process, StreamWriter output, string logPath)
    {
        Process = process;
        _output = output;
        _logPath = logPath;
    }

    public Process Process { get; }

    public int Id => Process.Id;

    /// <summary>Starts <paramref name="info"/> with its output redirected to <paramref name="logPath"/>; <paramref name="onLine"/> sees every line too.</summary>
    public static StartedProcess Start(ProcessStartInfo info, string logPath, Action<string>? onLine = null)
    {
        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        info.UseShellExecute = false;
        var output = new StreamWriter(logPath) { AutoFlush = true };
        Process process;
        try
        {
            process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {info.FileName}");
        }
        catch
        {
            output.Dispose();
            throw;
        }

        Running[process.Id] = process;
        var started = new StartedProcess(process, output, logPath);
        process.OutputDataReceived += (_, e) => started.Write(e.Data, onLine);
        process.ErrorDataReceived += (_, e) => started.Write(e.Data, null);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return started;
    }

    /// <summary>A loopback TCP port nobody listens on right now.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>The last lines of the process's output (for the message when it failed to start).</summary>
    public string Transcript(int lines = 30)
    {
        lock (_output)
        {
            _output.Flush();
        }

        using var stream = new FileStream(_logPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        var all = reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        return string.Join('\n', all.TakeLast(lines));
    }

    /// <summary>SIGTERM (a graceful stop), and a kill when it has not exited after <paramref name="grace"/> (15 s by default).</summary>
    public async Task StopAsync(TimeSpan? grace = null)
    {
        if (!Process.HasExited)
        {
            Posix.Terminate(Process.Id);
            using var timeout = new CancellationTokenSource(grace ?? TimeSpan.FromSeconds(15));
            try
            {
                await Process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                Kill(Process);
                await Process.WaitForExitAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
            }
        }

        Running.TryRemove(Process.Id, out _);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await StopAsync();
        }
        finally
        {
            Running.TryRemove(Process.Id, out _);
            Process.Dispose();
            lock (_output)
            {
                _output.Dispose();
            }
        }
    }

    private static void KillRunning()
    {
        foreach (var (_, process) in Running)
        {
            Kill(process);
        }
    }

    private static void Kill(Process process)
    {
        try
        {
            process.Kill();
        }
        catch (Exception error) when (error is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            // already gone
        }
    }

    private void Write(string? line, Action<string>? onLine)
    {
        if (line is null)
        {
            return;
        }

        onLine?.Invoke(line);
        lock (_output)
        {
            try
            {
                _output.WriteLine(line);
            }
            catch (ObjectDisposedException)
            {
            }
        }
    }
}
