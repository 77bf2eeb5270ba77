using System.Diagnostics;
using System.Text.Json;
using System.Threading.Channels;
using Collab.Tests.Support;

namespace Collab.Tests.SyncServer.E2E;

/// <summary>
/// One scenario program of <c>tests/js/e2e</c> (real <c>@hocuspocus/provider</c> and <c>y-websocket</c> clients),
/// run with the <c>node</c> on PATH from <c>tests/js</c>. Its JSON output lines are readable as they come; disposing
/// it ends the process (by PID) if it is still running.
/// </summary>
internal sealed class NodeScenario : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _script;
    private readonly Channel<string> _lines = Channel.CreateUnbounded<string>();
    private readonly List<string> _transcript = [];
    private readonly TaskCompletionSource _outputClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _openStreams = 2;

    private NodeScenario(string script, Process process)
    {
        _script = script;
        _process = process;
        _process.OutputDataReceived += (_, e) => OnLine(e.Data, isError: false);
        _process.ErrorDataReceived += (_, e) => OnLine(e.Data, isError: true);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public static string JsDirectory { get; } = Path.Combine(RepositoryPaths.Root, "tests", "js");

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

    /// <summary>Starts <c>node e2e/{script} --url {server} {arguments}</c>.</summary>
    public static NodeScenario Start(string script, Uri server, params string[] arguments)
    {
        var info = new ProcessStartInfo("node")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = JsDirectory,
        };
        info.ArgumentList.Add(Path.Combine("e2e", script));
        info.ArgumentList.Add("--url");
        info.ArgumentList.Add(server.ToString().TrimEnd('/'));
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        return new NodeScenario(script, Process.Start(info) ?? throw new InvalidOperationException("could not start node " + script));
    }

    /// <summary>Runs a scenario to its end and returns its result.</summary>
    public static async Task<ScenarioResult> RunAsync(string script, Uri server, TimeSpan timeout, CancellationToken cancellationToken, params string[] arguments)
    {
        await using var scenario = Start(script, server, arguments);
        return await scenario.WaitForResultAsync(timeout, cancellationToken);
    }

    /// <summary>Waits for the progress line <c>{"phase":"{phase}"}</c>.</summary>
    public async Task WaitForPhaseAsync(string phase, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout);
        try
        {
            await foreach (var line in _lines.Reader.ReadAllAsync(cts.Token))
            {
                if (TryParse(line) is { } json && json.TryGetProperty("phase", out var value) && value.GetString() == phase)
                {
                    return;
                }

                if (TryParse(line) is { } result && result.TryGetProperty("ok", out _))
                {
                    throw new InvalidOperationException($"{_script} ended before phase '{phase}': {line}\n{Transcript}");
                }
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
        }

        throw new TimeoutException($"{_script} did not reach phase '{phase}' within {timeout}; output so far:\n{Transcript}");
    }

    /// <summary>Waits for the program to exit and returns the result line it printed last.</summary>
    public async Task<ScenarioResult> WaitForResultAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        try
        {
            await Task.WhenAll(_process.WaitForExitAsync(cancellationToken), _outputClosed.Task).WaitAsync(timeout, cancellationToken);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"{_script} did not exit within {timeout}; output so far:\n{Transcript}");
        }

        string[] lines;
        lock (_transcript)
        {
            lines = [.. _transcript];
        }

        var result = lines.Select(TryParse).LastOrDefault(json => json is { } value && value.TryGetProperty("ok", out _));
        return new ScenarioResult(_script, _process.ExitCode, result, Transcript);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        }

        _process.Dispose();
    }

    private static JsonElement? TryParse(string line)
    {
        if (!line.StartsWith('{'))
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(line);
            return document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private void OnLine(string? line, bool isError)
    {
        if (line is null)
        {
            if (Interlocked.Decrement(ref _openStreams) == 0)
            {
                _outputClosed.TrySetResult();
            }

            return;
        }

        lock (_transcript)
        {
            _transcript.Add(isError ? "stderr: " + line : line);
        }

        if (!isError)
        {
            _lines.Writer.TryWrite(line);
        }
    }
}

/// <summary>What a scenario program reported: its last <c>{"ok":…}</c> line, exit code and whole output.</summary>
internal sealed record ScenarioResult(string Script, int ExitCode, JsonElement? Result, string Transcript)
{
    public bool Ok => ExitCode == 0 && Result is { } json && json.GetProperty("ok").GetBoolean();

    /// <summary>Fails the test with the scenario's step, error and output (and the server's log, if given) unless it passed.</summary>
    public void AssertPassed(TestLog? serverLog = null)
    {
        if (Ok)
        {
            return;
        }

        var step = Result is { } json && json.TryGetProperty("step", out var s) ? s.GetString() : null;
        var error = Result is { } failed && failed.TryGetProperty("error", out var e) ? e.GetString() : "no result line";
        var log = serverLog is null ? "" : "\n--- server log ---\n" + serverLog.Text;
        Assert.Fail($"{Script} failed (exit code {ExitCode}) at step '{step}': {error}\n--- node output ---\n{Transcript}{log}");
    }
}
