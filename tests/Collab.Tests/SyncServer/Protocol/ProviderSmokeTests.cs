using System.Diagnostics;
using Collab.Tests.SyncServer.Support;
using Collab.Tests.Support;

namespace Collab.Tests.SyncServer.Protocol;

public sealed class ProviderSmokeTests
{
    [Fact]
    public async Task ARealHocuspocusProviderSyncsATextThroughTheServer()
    {
        var store = new MemoryStore();
        await using var host = await SyncServerHost.StartAsync(extensions: store.Extension);
        var info = new ProcessStartInfo("node")
        {
            WorkingDirectory = Path.Combine(RepositoryPaths.Root, "tests", "js", "syncserver-smoke"),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add("provider-smoke.mjs");
        info.ArgumentList.Add(host.HocuspocusUri.ToString().TrimEnd('/'));
        using var node = Process.Start(info)!;
        var output = node.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var errors = node.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        try
        {
            await node.WaitForExitAsync(TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromSeconds(45), TestContext.Current.CancellationToken);
        }
        finally
        {
            if (!node.HasExited)
            {
                node.Kill();
            }
        }

        Assert.True(node.ExitCode == 0, $"node failed: {await output}\n{await errors}");
        Assert.Equal("OK hello from node!", (await output).Trim());
        await Eventually.TrueAsync(() => store.Documents.ContainsKey("smoke") && Messages.TextOf(store.Documents["smoke"]) == "hello from node!", "the provider's text is stored");
    }
}
