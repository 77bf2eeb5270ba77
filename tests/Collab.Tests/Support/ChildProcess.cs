using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Threading.Channels;

namespace Collab.Tests.Support;

/// <summary>
/// A process a test starts: its output lines are readable as they come, and disposing it ends the process
/// (and only it, by PID) if it is still running.
/// </summary>
internal sealed partial class ChildProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Channel<string> _lines = Channel.CreateUnbounded<string>();
    private readonly List<string> _transcript = [];
    private int _disposed;

    private ChildProcess(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) => OnLine(e.Data);
        _process.ErrorDataReceived += (_, e) => OnLine(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public int Id => _process.Id;

    public string Transcript
    {
        get
        {
            lock (_transcript)
            {
                return string.Join('\n', _transcript);
            }
        }
    }

    /// <summary>Starts <c>dotnet {assembly}</c> from the test's output folder.</summary>
    public static ChildProcess StartDotnet(string assemblyFileName, IEnumerable<string> arguments, IDictionary<string, string?>? environment = null) =>
        Start("dotnet", [Path.Combine(AppContext.BaseDirectory, assemblyFileName), .. arguments], AppContext.BaseDirectory, environment);

    /// <summary>
    /// Starts a built ASP.NET Core service (<c>dotnet {assembly} --urls http://127.0.0.1:0 …</c>) and waits until it logs the
    /// port Kestrel chose ("Now listening on"); the process is ended if it does not within 60 s.
    /// </summary>
    public static async Task<(ChildProcess Process, int Port)> StartListeningAsync(string assemblyFileName, IEnumerable<string> arguments, CancellationToken cancellationToken)
    {
        var process = StartDotnet(assemblyFileName, ["--urls", "http://127.0.0.1:0", .. arguments]);
        try
        {
            var line = await process.WaitForLineAsync("", TimeSpan.FromSeconds(60), cancellationToken, l => ListeningOn().IsMatch(l));
            return (process, int.Parse(ListeningOn().Match(line).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
        }
        catch
        {
            await process.DisposeAsync();
            throw;
        }
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"Now listening on: http://127\.0\.0\.1:(\d+)")]
    private static partial System.Text.RegularExpressions.Regex ListeningOn();

    /// <summary>Starts <paramref name="fileName"/> in <paramref name="workingDirectory"/>; a null value in <paramref name="environment"/> removes that variable.</summary>
    public static ChildProcess Start(string fileName, IEnumerable<string> arguments, string workingDirectory, IDictionary<string, string?>? environment = null)
    {
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            info.Environment[name] = value;
        }

        return new ChildProcess(Process.Start(info) ?? throw new InvalidOperationException($"could not start {fileName}"));
    }

    /// <summary>
    /// Waits for the first output line that starts with <paramref name="prefix"/> (and satisfies
    /// <paramref name="match"/>, when given) and returns the rest of it.
    /// </summary>
    public async Task<string> WaitForLineAsync(string prefix, TimeSpan timeout, CancellationToken cancellationToken, Func<string, bool>? match = null)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout);
        try
        {
            await foreach (var line in _lines.Reader.ReadAllAsync(cts.Token))
            {
                if (line.StartsWith(prefix, StringComparison.Ordinal) && (match is null || match(line)))
                {
                    return line[prefix.Length..];
                }
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
        }

        throw new TimeoutException($"no line starting with '{prefix}' within {timeout}; output so far:\n{Transcript}");
    }

    /// <summary>Sends SIGTERM (a graceful stop request) and waits for the exit code.</summary>
    public async Task<int> StopAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        _ = Kill(_process.Id, SigTerm);
        return await WaitForExitAsync(timeout, cancellationToken);
    }

    /// <summary>Waits for the process to end by itself and returns its exit code.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        await _process.WaitForExitAsync(cancellationToken).WaitAsync(timeout, cancellationToken);
        return _process.ExitCode;
    }

    public ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return ValueTask.CompletedTask;
        }

        if (!_process.HasExited)
        {
            // the whole tree (a `dotnet run` leaves its program running otherwise), and a bounded wait that does not
            // wait for the end of the output: a descendant that inherited the pipe could hold it open
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(TimeSpan.FromSeconds(10));
        }

        _process.Dispose();
        return ValueTask.CompletedTask;
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_transcript)
        {
            _transcript.Add(line);
        }

        _lines.Writer.TryWrite(line);
    }

    private const int SigTerm = 15;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
