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
        var output = (await NodeScript.RunAsync(TimeSpan.FromSeconds(60), "syncserver-smoke/provider-smoke.mjs", host.HocuspocusUri.ToString().TrimEnd('/'))).Trim();

        Assert.Equal("OK hello from node!", output);
        await Eventually.TrueAsync(() => store.Documents.ContainsKey("smoke") && Messages.TextOf(store.Documents["smoke"]) == "hello from node!", "the provider's text is stored");
    }
}
