using Collab.Tests.SyncServer.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Collab.Tests.SyncServer.Hostile;

/// <summary>How many awareness states one connection can make a document hold.</summary>
public sealed class AwarenessClaimTests
{
    [Fact]
    public async Task AConnectionClaimingAThousandAwarenessIdsGetsItsLimitAndTheRestOfTheDocumentIsUntouched()
    {
        await using var host = await SyncServerHost.StartAsync(new Dictionary<string, string?> { ["MaxAwarenessStatesPerConnection"] = "4" });
        await using var honest = await host.ConnectAsync();
        await honest.JoinAsync("doc");
        await honest.SendAsync(Messages.Awareness("doc", Messages.AwarenessState(7, 1, "{\"user\":\"honest\"}")));
        await using var hostile = await host.ConnectAsync();
        await hostile.JoinAsync("doc");

        var claims = Enumerable.Range(1000, 1000).Select(id => new Collab.Yjs.Protocols.AwarenessUpdateEntry((ulong)id, 1, Collab.Yjs.Lib0.JsJson.Parse("{\"user\":\"fake\"}")));
        await hostile.SendAsync(Messages.Awareness("doc", Collab.Yjs.Protocols.AwarenessUpdate.Encode(claims)));
        // and the honest one's id, which it does not own
        await hostile.SendAsync(Messages.Awareness("doc", Messages.AwarenessState(7, 2, "{\"user\":\"forged\"}")));
        await hostile.RoundTripAsync("doc");

        var states = host.App.Services.GetRequiredService<Collab.SyncServer.Documents.DocumentRegistry>().Find("doc")!.Awareness.GetStates();
        Assert.Equal(5, states.Count);
        Assert.Contains("honest", Collab.Yjs.Lib0.JsJson.Stringify(states[7]), StringComparison.Ordinal);

        // removing its own states frees its claims
        await hostile.SendAsync(Messages.Awareness("doc", Collab.Yjs.Protocols.AwarenessUpdate.Encode(
            states.Keys.Where(id => id != 7).Select(id => new Collab.Yjs.Protocols.AwarenessUpdateEntry(id, 2, null)))));
        await hostile.SendAsync(Messages.Awareness("doc", Messages.AwarenessState(5000, 1, "{\"user\":\"again\"}")));
        await hostile.RoundTripAsync("doc");
        Assert.Equal([7UL, 5000UL], host.App.Services.GetRequiredService<Collab.SyncServer.Documents.DocumentRegistry>().Find("doc")!.Awareness.GetStates().Keys.Order());
    }
}
