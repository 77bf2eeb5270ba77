namespace Collab.Tests.Relay;

/// <summary>
/// The multi-replica scenarios of <c>tests/js/relay/replicas.mjs</c>, run by each transport's test class against three
/// replicas it starts.
/// </summary>
public abstract class ReplicaScenarioTests
{
    /// <summary>Starts three replicas on the transport, waits until they see each other, and runs the scenario.</summary>
    protected abstract Task RunAsync(string @case);

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
