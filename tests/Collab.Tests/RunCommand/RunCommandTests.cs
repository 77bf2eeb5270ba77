using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Collab.Tests.Support;

namespace Collab.Tests.RunCommand;

/// <summary>
/// README's run command (<c>./run.sh</c>) as a new user runs it: in a fresh clone of the repository (the committed
/// state, HEAD), with nothing built. CI runs only the test command, so this is what keeps the run command working.
/// </summary>
[Collection(SerialCollection.Name)]
public sealed class RunCommandTests
{
    [Fact]
    public async Task RunShInAFreshCloneServesARealProviderPrintsItsAddressesAndStopsCleanlyOnSigterm()
    {
        var ct = TestContext.Current.CancellationToken;
        var clone = Directory.CreateTempSubdirectory("collab-run-command-");
        try
        {
            await GitCloneAsync(RepositoryPaths.Root, clone.FullName, ct);
            var port = FreePort();
            await using var server = ChildProcess.Start(
                Path.Combine(clone.FullName, "run.sh"), ["--urls", $"http://127.0.0.1:{port}"], clone.FullName, CleanEnvironment());

            // The first run builds the server, so it may take minutes on a small machine.
            var ready = await server.WaitForLineAsync("", TimeSpan.FromMinutes(8), ct, line => line.Contains("Collab is ready.", StringComparison.Ordinal));
            Assert.Contains($"Hocuspocus provider: ws://127.0.0.1:{port}/", ready, StringComparison.Ordinal);
            Assert.Contains($"y-websocket: ws://127.0.0.1:{port}/yws/<document>", ready, StringComparison.Ordinal);
            await server.WaitForLineAsync("", TimeSpan.FromSeconds(30), ct, line => line.Contains("Authentication is off", StringComparison.Ordinal));
            await server.WaitForLineAsync("", TimeSpan.FromSeconds(30), ct, line => line.Contains($"Editor page: http://127.0.0.1:{port}/editor/", StringComparison.Ordinal));

            using (var http = new HttpClient())
            {
                Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(new Uri($"http://127.0.0.1:{port}/health"), ct)).StatusCode);

                // the build bundled the editor page from the clone's web/editor (npm ci and esbuild, nothing committed)
                using var page = await http.GetAsync(new Uri($"http://127.0.0.1:{port}/editor/"), ct);
                Assert.Equal(HttpStatusCode.OK, page.StatusCode);
                Assert.Contains("editor.js", await page.Content.ReadAsStringAsync(ct), StringComparison.Ordinal);
            }

            var edit = (await NodeScript.RunAsync(TimeSpan.FromSeconds(60), "syncserver-smoke/provider-edit.mjs", $"ws://127.0.0.1:{port}", "run-command", "typed in a fresh clone")).Trim();
            Assert.Equal("OK typed in a fresh clone", edit);

            Assert.Equal(0, await server.StopAsync(TimeSpan.FromSeconds(60), ct));
            Assert.True(File.Exists(Path.Combine(clone.FullName, "src", "Collab.SyncServer", "data", "collab.db")), "the document is stored under the server's content root");
        }
        finally
        {
            clone.Delete(recursive: true);
        }
    }

    private static async Task GitCloneAsync(string repository, string target, CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo("git") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { "clone", "--quiet", "--no-hardlinks", repository, target })
        {
            info.ArgumentList.Add(argument);
        }

        using var git = Process.Start(info)!;
        var errors = git.StandardError.ReadToEndAsync(cancellationToken);
        await git.WaitForExitAsync(cancellationToken).WaitAsync(TimeSpan.FromMinutes(2), cancellationToken);
        Assert.True(git.ExitCode == 0, $"git clone of {repository} failed (the run-command test needs the repository as a git checkout): {await errors}");
    }

    /// <summary>The test host's environment without what `dotnet test` adds for itself (MSBuild's), as a user's shell would have it.</summary>
    private static Dictionary<string, string?> CleanEnvironment() =>
        Environment.GetEnvironmentVariables().Keys.Cast<string>()
            .Where(name => name.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase) || name is "DOTNET_HOST_PATH" or "VSTEST_HOST_DEBUG")
            .ToDictionary(name => name, _ => (string?)null);

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
