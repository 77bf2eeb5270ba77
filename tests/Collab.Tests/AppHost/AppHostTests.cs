using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;
using Collab.Tests.Support;

namespace Collab.Tests.AppHost;

public sealed partial class AppHostTests
{
    [Fact]
    public async Task AppHostStartsReplicasBehindOneEndpointAndStopsThemAll()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var host = ChildProcess.StartDotnet(
            RepositoryPaths.BuiltAssembly("src", "Collab.AppHost"), ["--replicas", "2", "--port", "0", "--kafka"]);

        var ready = await host.WaitForLineAsync("", TimeSpan.FromSeconds(120), ct, line => line.Contains("ready: syncserver at ", StringComparison.Ordinal));
        var front = new Uri(FrontAddress().Match(ready).Groups[1].Value);
        var children = Pids().Matches(host.Transcript).Select(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(4, children.Count);

        using var client = new HttpClient { BaseAddress = front };
        for (var i = 0; i < 4; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health", ct)).StatusCode);
        }

        Assert.Equal(0, await host.StopAsync(TimeSpan.FromSeconds(60), ct));
        Assert.Contains("stopped", host.Transcript, StringComparison.Ordinal);
        Assert.All(children, pid => Assert.False(IsRunning(pid), $"process {pid} outlived the AppHost"));
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    [GeneratedRegex(@"(http://127\.0\.0\.1:\d+)")]
    private static partial Regex FrontAddress();

    [GeneratedRegex(@"^\S+ (?:kafka|persistence|syncserver-\d+)\s+Healthy\s+(\d+)", RegexOptions.Multiline)]
    private static partial Regex Pids();
}
