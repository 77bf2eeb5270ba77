using Collab.Tests.Kafka;

namespace Collab.Tests.Relay;

/// <summary>
/// Real providers on three replicas relayed through Kafka: librdkafka's mock cluster, or the real broker named by
/// <c>COLLAB_TEST_KAFKA</c> (each test uses its own topic prefix, so a shared broker works).
/// </summary>
[Collection(KafkaCollection.Name)]
public sealed class KafkaReplicaTests(KafkaClusterFixture kafka) : ReplicaScenarioTests
{
    internal static Dictionary<string, string?> Settings(KafkaClusterFixture kafka)
    {
        var prefix = "relay-" + Guid.NewGuid().ToString("N")[..12];
        var create = kafka.CreateRelayTopics(prefix, partitions: 4);
        return new()
        {
            ["Collab:Relay:Kafka:BootstrapServers"] = kafka.BootstrapServers,
            ["Collab:Relay:Prefix"] = prefix,
            ["Collab:Relay:Kafka:Partitions"] = "4",
            ["Collab:Relay:Kafka:CreateTopics"] = create ? "true" : "false",
        };
    }

    protected override async Task RunAsync(string @case)
    {
        var ct = TestContext.Current.CancellationToken;
        TestContext.Current.TestOutputHelper?.WriteLine($"Kafka: {kafka.Description}");
        await using var replicas = await Replicas.StartAsync(3, Settings(kafka), cancellationToken: ct);
        await replicas.WaitForPeersAsync(TimeSpan.FromSeconds(20), ct);
        await replicas.RunAsync(@case, ct);
    }
}
