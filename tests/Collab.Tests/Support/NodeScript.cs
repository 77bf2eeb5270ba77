using System.Diagnostics;

namespace Collab.Tests.Support;

/// <summary>
/// Runs a Node.js script from tests/js (where the pinned yjs / y-protocols packages are installed). The process
/// is bounded in time and killed by its PID when the run ends, whatever the outcome.
/// </summary>
internal sealed class NodeScript : IDisposable
{
    private readonly Process _process;
    private readonly Task<string> _stderr;

    private NodeScript(Process process)
    {
        _process = process;
        _stderr = process.StandardError.ReadToEndAsync();
    }

    public static string TestsJsDirectory => Path.Combine(RepositoryPaths.Root, "tests", "js");

    public StreamReader Output => _process.StandardOutput;

    public int ProcessId => _process.Id;

    /// <summary>Starts <c>node script args…</c> in tests/js; the caller reads <see cref="Output"/> and disposes.</summary>
    public static NodeScript Start(string script, params string[] args)
    {
        var info = new ProcessStartInfo("node")
        {
            WorkingDirectory = TestsJsDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(script);
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        return new NodeScript(Process.Start(info) ?? throw new InvalidOperationException("node did not start"));
    }

    /// <summary>Runs a script to completion and returns its standard output.</summary>
    public static async Task<string> RunAsync(TimeSpan timeout, string script, params string[] args)
    {
        using var node = Start(script, args);
        using var cts = new CancellationTokenSource(timeout);
        var output = await node.Output.ReadToEndAsync(cts.Token);
        await node.WaitForExitAsync(cts.Token);
        return output;
    }

    /// <summary>Waits for a normal exit and fails with the script's stderr otherwise.</summary>
    public async Task WaitForExitAsync(CancellationToken cancellationToken)
    {
        await _process.WaitForExitAsync(cancellationToken);
        var stderr = await _stderr.WaitAsync(cancellationToken);
        if (_process.ExitCode != 0)
        {
            throw new InvalidOperationException($"node exited with {_process.ExitCode}: {stderr}");
        }
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
            // already gone
        }

        _process.Dispose();
    }
}
