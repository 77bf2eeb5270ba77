using Collab.Relay.InProcess;
using Collab.SyncServer.Protocol;
using Collab.Tests.SyncServer.Support;
using Collab.Yjs.Protocols;

namespace Collab.Tests.Relay;

/// <summary>
/// A change that arrives through the relay opens a broadcast window of its own (<c>RelayFlushDelay</c>, a few
/// milliseconds) instead of a full <c>FlushDelay</c>: it already waited in the relay's batches, and a second full
/// window would only add to the cross-replica latency.
/// </summary>
public sealed class RelayBroadcastWindowTests
{
    private static bool IsUpdateWith(InboundMessage message, string text) =>
        message.Type == MessageType.Sync
        && message.ReadSync().Type == SyncMessageType.Update
        && Messages.TextOf(message.ReadSync().Payload).Contains(text, StringComparison.Ordinal);

    [Fact]
    public async Task ARelayedChangeReachesLocalClientsWithoutWaitingForTheLocalWindow()
    {
        var ct = TestContext.Current.CancellationToken;
        var hub = new InProcessRelayHub();
        // a local window of ten minutes: within the test's patience only the relayed window can deliver anything
        await using var replicas = await Replicas.StartAsync(
            2,
            new Dictionary<string, string?>
            {
                ["Collab:Relay:Transport"] = "in-process",
                ["Collab:SyncServer:FlushDelay"] = "00:10:00",
            },
            hub,
            ct);
        await replicas.WaitForPeersAsync(TimeSpan.FromSeconds(10), ct);
        await using var alice = await ProtocolClient.ConnectAsync(replicas.Addresses[0]);
        await using var bob = await ProtocolClient.ConnectAsync(replicas.Addresses[1]);
        await using var carol = await ProtocolClient.ConnectAsync(replicas.Addresses[1]);
        await alice.JoinAsync("doc", "valid-token");
        await bob.JoinAsync("doc", "valid-token");
        await carol.JoinAsync("doc", "valid-token");

        // bob's change opens replica 1's ten-minute window; alice's arrives through the relay while it is open
        await bob.SendAsync(Messages.Update("doc", Messages.TextInsert("b", clientId: 2)));
        await bob.WaitForAsync(m => m.Type == MessageType.SyncStatus);
        await alice.WaitForAsync(m => IsUpdateWith(m, "b"));
        await alice.SendAsync(Messages.Update("doc", Messages.TextInsert("a", clientId: 1)));

        // the relayed window ends the open one early: carol receives both changes, bob alice's
        var received = await carol.WaitForAsync(m => IsUpdateWith(m, "a"));
        Assert.Contains("b", Messages.TextOf(received.ReadSync().Payload), StringComparison.Ordinal);
        await bob.WaitForAsync(m => IsUpdateWith(m, "a"));
    }
}
