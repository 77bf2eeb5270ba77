using Collab.Tests.Kafka;
using Collab.Tests.SyncServer.E2E;

namespace Collab.Tests.Relay;

/// <summary>
/// Replicas as separate Collab.SyncServer processes (the built server, started with the seed's flags) relayed through
/// Kafka: real providers converge across them, and a replica killed with SIGKILL loses nothing its clients were told
/// was saved.
/// </summary>
[Collection(KafkaCollection.Name)]
public sealed class ReplicaProcessTests(KafkaClusterFixture kafka)
{
    private async Task<List<SyncServerProcess>> StartAsync(int count, TemporaryFolder folder, CancellationToken ct)
    {
        var settings = KafkaReplicaTests.Settings(kafka);
        var started = await Task.WhenAll(Enumerable.Range(0, count).Select(i => SyncServerProcess.StartAsync(folder.File($"replica-{i}.db"), ct,
            "--kafka-brokers", kafka.BootstrapServers,
            "--kafka-prefix", settings["Collab:Relay:Prefix"]!,
            "--kafka-id", $"replica-{i}",
            "--kafka-group", "collab-tests",
            "--Collab:Relay:Kafka:CreateTopics=" + settings["Collab:Relay:Kafka:CreateTopics"],
            "--Collab:Relay:HeartbeatInterval=00:00:00.500",
            "--Collab:Relay:PeerTimeout=00:00:03")));
        return [.. started];
    }

    private static string Urls(IEnumerable<SyncServerProcess> servers) => string.Join(',', servers.Select(s => s.Address.ToString().TrimEnd('/')));

    [Fact]
    public async Task ClientsOnSeparateReplicaProcessesConverge()
    {
        var ct = TestContext.Current.CancellationToken;
        TestContext.Current.TestOutputHelper?.WriteLine($"Kafka: {kafka.Description}");
        using var folder = new TemporaryFolder();
        var servers = await StartAsync(3, folder, ct);
        try
        {
            var result = await NodeScenario.RunAsync("../relay/replicas.mjs", servers[0].Address, TimeSpan.FromSeconds(90), ct, "--urls", Urls(servers), "--case", "converge");
            Assert.True(result.Ok, $"{result.Transcript}\n{string.Join("\n---\n", servers.Select(s => s.Transcript))}");
        }
        finally
        {
            foreach (var server in servers)
            {
                await server.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task AReplicaKilledWithSigkillLosesNoAcknowledgedEdit()
    {
        var ct = TestContext.Current.CancellationToken;
        TestContext.Current.TestOutputHelper?.WriteLine($"Kafka: {kafka.Description}");
        using var folder = new TemporaryFolder();
        var servers = await StartAsync(2, folder, ct);
        try
        {
            await using var scenario = NodeScenario.Start("../relay/failover.mjs", servers[0].Address, "--urls", Urls(servers));
            await scenario.WaitForPhaseAsync("kill", TimeSpan.FromSeconds(60), ct);
            await servers[0].KillAsync();
            var result = await scenario.WaitForResultAsync(TimeSpan.FromSeconds(90), ct);
            Assert.True(result.Ok, $"{result.Transcript}\n--- survivor ---\n{servers[1].Transcript}");
        }
        finally
        {
            foreach (var server in servers)
            {
                await server.DisposeAsync();
            }
        }
    }
}
