using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Collab.AppHost.Resources;

/// <summary>
/// One process the AppHost runs (a replica of a project, or the Kafka test cluster): started with the environment
/// Aspire would give it, its output prefixed with its name, stopped with SIGTERM and then, if need be, killed.
/// </summary>
internal sealed partial class Resource(string name, string assembly, IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string> environment)
{
    private Process? _process;

    public string Name { get; } = name;

    public Uri? Endpoint { get; init; }

    public ResourceState State { get; private set; } = ResourceState.Starting;

    public event Action<Resource>? StateChanged;

    public event Action<Resource, string>? OutputLine;

    public int? ProcessId => _process?.Id;

    public void Start()
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(assembly)!,
        };
        info.ArgumentList.Add(assembly);
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        try
        {
            _process = Process.Start(info) ?? throw new InvalidOperationException("no process");
        }
        catch (Exception error) when (error is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            SetState(ResourceState.FailedToStart);
            throw;
        }

        _process.EnableRaisingEvents = true;
        _process.OutputDataReceived += (_, e) => { if (e.Data is not null) { OutputLine?.Invoke(this, e.Data); } };
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { OutputLine?.Invoke(this, e.Data); } };
        _process.Exited += (_, _) => SetState(ResourceState.Exited);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        SetState(ResourceState.Running);
    }

    public void SetState(ResourceState state)
    {
        if (State == state || (State == ResourceState.Exited && state != ResourceState.Exited))
        {
            return;
        }

        State = state;
        StateChanged?.Invoke(this);
    }

    public bool HasExited => _process is null || _process.HasExited;

    /// <summary>Asks the process to stop (SIGTERM), waits up to <paramref name="grace"/>, then kills it.</summary>
    public async Task StopAsync(TimeSpan grace)
    {
        if (_process is null || _process.HasExited)
        {
            return;
        }

        SetState(ResourceState.Stopping);
        _ = Kill(_process.Id, SigTerm);
        using var timeout = new CancellationTokenSource(grace);
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync(CancellationToken.None);
        }

        SetState(ResourceState.Exited);
    }

    private const int SigTerm = 15;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
