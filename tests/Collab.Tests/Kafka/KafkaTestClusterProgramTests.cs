using Collab.Tests.Support;
using Confluent.Kafka;

namespace Collab.Tests.Kafka;

public sealed class KafkaTestClusterProgramTests
{
    [Fact]
    public async Task StandaloneClusterPrintsABootstrapAddressThatClientsCanUse()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var cluster = ChildProcess.StartDotnet("Collab.KafkaTestCluster.dll", ["--brokers", "2", "--topic", "relay:3"]);
        var bootstrap = await cluster.WaitForLineAsync("bootstrap.servers=", TimeSpan.FromSeconds(30), ct);
        Assert.Equal(2, bootstrap.Split(',').Length);

        using var producer = KafkaTestClients.Producer(bootstrap);
        var delivery = await producer.ProduceAsync("relay", new Message<string, string> { Key = "doc", Value = "hello" }, ct);
        Assert.Equal(PersistenceStatus.Persisted, delivery.Status);

        using var consumer = KafkaTestClients.Consumer(bootstrap, "program-test");
        consumer.Subscribe("relay");
        var received = await KafkaTestClients.ConsumeAsync(consumer, 1, TimeSpan.FromSeconds(60), ct);
        consumer.Close();
        Assert.Equal(("doc", "hello"), (received[0].Message.Key, received[0].Message.Value));

        Assert.Equal(0, await cluster.StopAsync(TimeSpan.FromSeconds(30), ct));
        Assert.Contains("stopping", cluster.Transcript, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StandaloneClusterRunsOnTheBundledLibrdkafkaAndRemovesItsAddressFileWhenStopped()
    {
        var ct = TestContext.Current.CancellationToken;
        var file = Path.Combine(Path.GetTempPath(), $"collab-bootstrap-{Guid.NewGuid():N}");
        await using var cluster = ChildProcess.StartDotnet("Collab.KafkaTestCluster.dll", ["--bootstrap-file", file]);
        var bootstrap = await cluster.WaitForLineAsync("bootstrap.servers=", TimeSpan.FromSeconds(30), ct);

        Assert.Contains("librdkafka 2.16.0 mock cluster", cluster.Transcript, StringComparison.Ordinal);
        Assert.Equal(bootstrap, await File.ReadAllTextAsync(file, ct));
        Assert.Equal(0, await cluster.StopAsync(TimeSpan.FromSeconds(30), ct));
        Assert.False(File.Exists(file), "a stopped cluster's address file would point clients at nothing");
    }
}
