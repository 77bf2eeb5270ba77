using Collab.Relay.InProcess;

namespace Collab.Tests.Relay;

/// <summary>Real providers on three replicas relayed through the in-process hub (the transport-independent behaviour).</summary>
public sealed class InProcessReplicaTests
{
    private static async Task RunAsync(string @case)
    {
        var ct = TestContext.Current.CancellationToken;
        var hub = new InProcessRelayHub();
        await using var replicas = await Replicas.StartAsync(3, new Dictionary<string, string?> { ["Collab:Relay:Transport"] = "in-process" }, hub, ct);
        await replicas.WaitForPeersAsync(TimeSpan.FromSeconds(10), ct);
        await replicas.RunAsync(@case, ct);
    }

    [Fact]
    public Task ClientsOnDifferentReplicasConvergeOnEveryType() => RunAsync("converge");

    [Fact]
    public Task AwarenessCrossesReplicasAndLeavesWithItsClient() => RunAsync("awareness");

    [Fact]
    public Task StatelessBroadcastsReachEveryReplicaOnce() => RunAsync("stateless");

    [Fact]
    public Task AJoinerOnAnotherReplicaSeesEarlierEdits() => RunAsync("late-joiner");

    [Fact]
    public Task HocuspocusAndYWebsocketClientsOnDifferentReplicasConverge() => RunAsync("mixed-clients");
}
