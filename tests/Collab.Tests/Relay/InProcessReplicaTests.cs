using Collab.Relay.InProcess;

namespace Collab.Tests.Relay;

/// <summary>Real providers on three replicas relayed through the in-process hub (the transport-independent behaviour).</summary>
public sealed class InProcessReplicaTests : ReplicaScenarioTests
{
    protected override async Task RunAsync(string @case)
    {
        var ct = TestContext.Current.CancellationToken;
        var hub = new InProcessRelayHub();
        await using var replicas = await Replicas.StartAsync(3, new Dictionary<string, string?> { ["Collab:Relay:Transport"] = "in-process" }, hub, ct);
        await replicas.WaitForPeersAsync(TimeSpan.FromSeconds(10), ct);
        await replicas.RunAsync(@case, ct);
    }
}
