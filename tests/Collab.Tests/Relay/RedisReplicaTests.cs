namespace Collab.Tests.Relay;

/// <summary>Real providers on three replicas relayed through a real redis-server (pub/sub, like @hocuspocus/extension-redis).</summary>
[Collection(RedisCollection.Name)]
public sealed class RedisReplicaTests(RedisServerFixture redis) : ReplicaScenarioTests
{
    protected override async Task RunAsync(string @case)
    {
        var ct = TestContext.Current.CancellationToken;
        var settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:redis"] = redis.Configuration,
            ["Collab:Relay:Prefix"] = "relay-" + Guid.NewGuid().ToString("N")[..12],
        };
        await using var replicas = await Replicas.StartAsync(3, settings, cancellationToken: ct);
        await replicas.WaitForPeersAsync(TimeSpan.FromSeconds(20), ct);
        await replicas.RunAsync(@case, ct);
    }
}
