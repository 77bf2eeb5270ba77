using System.Diagnostics;

namespace Collab.Tests.Support;

/// <summary>Runs a script of <c>tests/js/syncserver-smoke</c> (real JavaScript clients) to its end.</summary>
internal static class NodeSmoke
{
    /// <summary>Runs <c>node {script} {arguments}</c>, fails the test unless it exits 0, and returns its standard output.</summary>
    public static async Task<string> RunAsync(string script, IEnumerable<string> arguments, CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo("node")
        {
            WorkingDirectory = Path.Combine(RepositoryPaths.Root, "tests", "js", "syncserver-smoke"),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(script);
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var node = Process.Start(info)!;
        var output = node.StandardOutput.ReadToEndAsync(cancellationToken);
        var errors = node.StandardError.ReadToEndAsync(cancellationToken);
        try
        {
            await node.WaitForExitAsync(cancellationToken).WaitAsync(TimeSpan.FromSeconds(45), cancellationToken);
        }
        finally
        {
            if (!node.HasExited)
            {
                node.Kill();
            }
        }

        Assert.True(node.ExitCode == 0, $"node {script} failed: {await output}\n{await errors}");
        return (await output).Trim();
    }
}
