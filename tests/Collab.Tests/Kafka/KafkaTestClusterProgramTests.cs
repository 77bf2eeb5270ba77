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

    [Fact]
    public async Task RetentionDeletesOldRecordsOnlyOnceTheNamedGroupHasCommittedPastThem()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var cluster = ChildProcess.StartDotnet(
            "Collab.KafkaTestCluster.dll", ["--topic", "log:1", "--retention", "0.2", "--retention-group", "worker"]);
        var bootstrap = await cluster.WaitForLineAsync("bootstrap.servers=", TimeSpan.FromSeconds(30), ct);
        Assert.Contains("retention 0.2 s, and until committed by worker", cluster.Transcript, StringComparison.Ordinal);
        var partition = new TopicPartition("log", 0);
        using var producer = KafkaTestClients.Producer(bootstrap);
        for (var i = 0; i < 20; i++)
        {
            await producer.ProduceAsync("log", new Message<string, string> { Key = "doc", Value = $"m{i}" }, ct);
        }

        using var worker = KafkaTestClients.Consumer(bootstrap, "worker");
        async Task<long> LowAfterAsync(TimeSpan wait)
        {
            await Task.Delay(wait, ct);
            return worker.QueryWatermarkOffsets(partition, TimeSpan.FromSeconds(10)).Low.Value;
        }

        // old enough, but the worker has committed nothing: everything stays
        Assert.Equal(0, await LowAfterAsync(TimeSpan.FromSeconds(2)));

        // the worker stored the first 12: those go, the rest stays until it commits them too
        worker.Commit([new TopicPartitionOffset(partition, 12)]);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        long low;
        while ((low = await LowAfterAsync(TimeSpan.FromMilliseconds(200))) < 12 && DateTime.UtcNow < deadline)
        {
        }

        Assert.Equal(12, low);
        Assert.Equal(12, await LowAfterAsync(TimeSpan.FromSeconds(1)));
        worker.Assign(new TopicPartitionOffset(partition, 12));
        var rest = await KafkaTestClients.ConsumeAsync(worker, 8, TimeSpan.FromSeconds(60), ct);
        Assert.Equal(Enumerable.Range(12, 8).Select(i => $"m{i}"), rest.Select(r => r.Message.Value));
        Assert.Equal(0, await cluster.StopAsync(TimeSpan.FromSeconds(30), ct));
        Assert.Contains("retention deleted 12 records", cluster.Transcript, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ANegativeRetentionIsRefused()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var cluster = ChildProcess.StartDotnet("Collab.KafkaTestCluster.dll", ["--retention", "-1"]);
        Assert.NotEqual(0, await cluster.WaitForExitAsync(TimeSpan.FromSeconds(30), ct));
        Assert.Contains("--retention must be 0 (off) or a positive number of seconds", cluster.Transcript, StringComparison.Ordinal);
    }
}
