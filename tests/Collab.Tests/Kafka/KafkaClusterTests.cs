using Collab.KafkaTestCluster;
using Confluent.Kafka;

namespace Collab.Tests.Kafka;

[Collection(KafkaCollection.Name)]
public sealed class KafkaClusterTests(KafkaClusterFixture kafka)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task KeyedMessagesArriveInOrderPerKey()
    {
        var ct = TestContext.Current.CancellationToken;
        var topic = await kafka.CreateTopicAsync("keys", partitions: 4, ct);
        using var producer = KafkaTestClients.Producer(kafka.BootstrapServers);
        string[] keys = ["doc-a", "doc-b", "doc-c"];
        for (var i = 0; i < 30; i++)
        {
            await producer.ProduceAsync(topic, new Message<string, string> { Key = keys[i % 3], Value = i.ToString(System.Globalization.CultureInfo.InvariantCulture) }, ct);
        }

        using var consumer = KafkaTestClients.Consumer(kafka.BootstrapServers, $"g-{Guid.NewGuid():N}");
        consumer.Subscribe(topic);
        var received = await KafkaTestClients.ConsumeAsync(consumer, 30, Patience, ct);
        consumer.Close();

        foreach (var key in keys)
        {
            var values = received.Where(r => r.Message.Key == key).Select(r => int.Parse(r.Message.Value, System.Globalization.CultureInfo.InvariantCulture)).ToList();
            Assert.Equal(10, values.Count);
            Assert.Equal(values.Order(), values);
            Assert.Single(received.Where(r => r.Message.Key == key).Select(r => r.Partition.Value).Distinct());
        }
    }

    [Fact]
    public async Task ConsumerGroupResumesFromCommittedOffsets()
    {
        var ct = TestContext.Current.CancellationToken;
        var topic = await kafka.CreateTopicAsync("group", partitions: 2, ct);
        var group = $"g-{Guid.NewGuid():N}";
        using var producer = KafkaTestClients.Producer(kafka.BootstrapServers);
        for (var i = 0; i < 10; i++)
        {
            await producer.ProduceAsync(topic, new Message<string, string> { Key = $"k{i}", Value = $"first-{i}" }, ct);
        }

        using (var first = KafkaTestClients.Consumer(kafka.BootstrapServers, group))
        {
            first.Subscribe(topic);
            var batch = await KafkaTestClients.ConsumeAsync(first, 10, Patience, ct);
            first.Commit(batch.GroupBy(r => r.TopicPartition).Select(g => new TopicPartitionOffset(g.Key, g.Max(r => r.Offset.Value) + 1)));
            first.Close();
        }

        for (var i = 0; i < 10; i++)
        {
            await producer.ProduceAsync(topic, new Message<string, string> { Key = $"k{i}", Value = $"second-{i}" }, ct);
        }

        using var second = KafkaTestClients.Consumer(kafka.BootstrapServers, group);
        second.Subscribe(topic);
        var rest = await KafkaTestClients.ConsumeAsync(second, 10, Patience, ct);
        second.Close();
        Assert.All(rest, r => Assert.StartsWith("second-", r.Message.Value, StringComparison.Ordinal));
    }

    [Fact]
    public async Task TwoConsumerGroupsEachReceiveEveryMessage()
    {
        var ct = TestContext.Current.CancellationToken;
        var topic = await kafka.CreateTopicAsync("fanout", partitions: 3, ct);
        using var producer = KafkaTestClients.Producer(kafka.BootstrapServers);
        for (var i = 0; i < 12; i++)
        {
            await producer.ProduceAsync(topic, new Message<string, string> { Key = $"doc-{i % 5}", Value = $"m{i}" }, ct);
        }

        using var a = KafkaTestClients.Consumer(kafka.BootstrapServers, $"replica-a-{Guid.NewGuid():N}");
        using var b = KafkaTestClients.Consumer(kafka.BootstrapServers, $"replica-b-{Guid.NewGuid():N}");
        a.Subscribe(topic);
        b.Subscribe(topic);
        var received = await Task.WhenAll(
            KafkaTestClients.ConsumeAsync(a, 12, Patience, ct),
            KafkaTestClients.ConsumeAsync(b, 12, Patience, ct));
        a.Close();
        b.Close();

        var expected = Enumerable.Range(0, 12).Select(i => $"m{i}").Order().ToList();
        Assert.Equal(expected, received[0].Select(r => r.Message.Value).Order().ToList());
        Assert.Equal(expected, received[1].Select(r => r.Message.Value).Order().ToList());
    }

    [Fact]
    public async Task ProducerAndConsumerSurviveABrokerOutage()
    {
        if (kafka.Mock is null)
        {
            Assert.Skip($"{KafkaClusterFixture.RealBrokerVariable} names a real broker, which this test cannot take down.");
        }

        var ct = TestContext.Current.CancellationToken;
        using var cluster = MockKafkaCluster.Start(brokerCount: 1);
        var topic = $"outage-{Guid.NewGuid():N}";
        cluster.CreateTopic(topic, partitions: 1);
        var brokerLost = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var producer = KafkaTestClients.Producer(cluster.BootstrapServers, error =>
        {
            if (error.Code is ErrorCode.Local_Transport or ErrorCode.Local_AllBrokersDown)
            {
                brokerLost.TrySetResult();
            }
        });
        using var consumer = KafkaTestClients.Consumer(cluster.BootstrapServers, $"g-{Guid.NewGuid():N}");
        consumer.Subscribe(topic);
        await producer.ProduceAsync(topic, new Message<string, string> { Key = "doc", Value = "before" }, ct);
        var before = (await KafkaTestClients.ConsumeAsync(consumer, 1, Patience, ct))[0];
        Assert.Equal("before", before.Message.Value);
        consumer.Commit(before);

        cluster.SetBrokerDown(1);
        var during = producer.ProduceAsync(topic, new Message<string, string> { Key = "doc", Value = "during" }, ct);
        await brokerLost.Task.WaitAsync(Patience, ct);
        Assert.False(during.IsCompleted, "nothing can be delivered while the only broker is down");

        cluster.SetBrokerUp(1);
        var delivery = await during.WaitAsync(Patience, ct);
        Assert.Equal(PersistenceStatus.Persisted, delivery.Status);
        // Delivery is at least once: if the outage cost the consumer its group membership before the commit
        // landed, "before" may come again; "during" must arrive, and nothing else.
        var received = new List<string>();
        while (!received.Contains("during"))
        {
            Assert.True(received.Count < 10, "received: " + string.Join(", ", received));
            received.Add((await KafkaTestClients.ConsumeAsync(consumer, 1, Patience, ct))[0].Message.Value);
        }

        Assert.All(received, value => Assert.Contains(value, new[] { "before", "during" }));
        consumer.Close();
    }
}
