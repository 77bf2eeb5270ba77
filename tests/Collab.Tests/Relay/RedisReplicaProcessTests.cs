using Collab.Tests.SyncServer.E2E;

namespace Collab.Tests.Relay;

/// <summary>Replicas as separate Collab.SyncServer processes started with <c>--redis</c>, relayed through a real redis-server.</summary>
[Collection(RedisCollection.Name)]
public sealed class RedisReplicaProcessTests(RedisServerFixture redis)
{
    [Fact]
    public async Task ClientsOnSeparateReplicaProcessesConvergeThroughRedis()
    {
        var ct = TestContext.Current.CancellationToken;
        using var folder = new TemporaryFolder();
        var prefix = "relay-" + Guid.NewGuid().ToString("N")[..12];
        var servers = await Task.WhenAll(Enumerable.Range(0, 3).Select(i => SyncServerProcess.StartAsync(folder.File($"replica-{i}.db"), ct,
            "--redis", redis.Configuration, "--kafka-prefix", prefix, "--kafka-id", $"replica-{i}",
            "--Collab:Relay:HeartbeatInterval=00:00:00.500", "--Collab:Relay:PeerTimeout=00:00:03")));
        try
        {
            var urls = string.Join(',', servers.Select(s => s.Address.ToString().TrimEnd('/')));
            foreach (var @case in new[] { "converge", "late-joiner" })
            {
                var result = await NodeScenario.RunAsync("../relay/replicas.mjs", servers[0].Address, TimeSpan.FromSeconds(90), ct, "--urls", urls, "--case", @case);
                Assert.True(result.Ok, $"{result.Transcript}\n{string.Join("\n---\n", servers.Select(s => s.Transcript))}");
            }
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
