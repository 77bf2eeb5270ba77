using Collab.KafkaTestCluster;
using Collab.Relay.Kafka;
using Confluent.Kafka;
using Confluent.Kafka.Admin;

namespace Collab.Tests.Kafka;

/// <summary>
/// The Kafka broker the tests use: librdkafka's mock cluster (three brokers on loopback), or the real broker
/// named by <c>COLLAB_TEST_KAFKA=host:port</c>. Topic names are unique per call, so a shared real broker works.
/// </summary>
public sealed class KafkaClusterFixture : IAsyncLifetime
{
    public const string RealBrokerVariable = "COLLAB_TEST_KAFKA";

    public string BootstrapServers { get; private set; } = "";

    /// <summary>Which broker the tests run on, for their output (acceptance: the suite says which broker it ran on).</summary>
    public string Description => Mock is null
        ? $"real broker {BootstrapServers} (from {RealBrokerVariable})"
        : $"librdkafka mock cluster, {Mock.BrokerCount} brokers at {BootstrapServers}";

    /// <summary>The mock cluster, or null when the tests run against a real broker.</summary>
    public MockKafkaCluster? Mock { get; private set; }

    public ValueTask InitializeAsync()
    {
        KafkaNativeLibrary.EnsureLoaded();
        var real = Environment.GetEnvironmentVariable(RealBrokerVariable);
        if (string.IsNullOrWhiteSpace(real))
        {
            Mock = MockKafkaCluster.Start(brokerCount: 3);
            BootstrapServers = Mock.BootstrapServers;
        }
        else
        {
            BootstrapServers = real;
        }

        return ValueTask.CompletedTask;
    }

    public async Task<string> CreateTopicAsync(string prefix, int partitions, CancellationToken cancellationToken)
    {
        var name = $"{prefix}-{Guid.NewGuid():N}";
        if (Mock is not null)
        {
            Mock.CreateTopic(name, partitions, replicationFactor: 3);
            return name;
        }

        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = BootstrapServers }).Build();
        await admin.CreateTopicsAsync([new TopicSpecification { Name = name, NumPartitions = partitions, ReplicationFactor = 1 }])
            .WaitAsync(TimeSpan.FromSeconds(30), cancellationToken);
        return name;
    }

    /// <summary>
    /// Creates the relay's three topics for <paramref name="prefix"/> on the mock cluster (whose CreateTopics request times
    /// out); against a real broker the relay creates them itself. Returns whether the relay should create them.
    /// </summary>
    public bool CreateRelayTopics(string prefix, int partitions)
    {
        if (Mock is null)
        {
            return true;
        }

        foreach (var topic in new[] { ".updates", ".signals", ".events" })
        {
            Mock.CreateTopic(prefix + topic, partitions, replicationFactor: 3);
        }

        return false;
    }

    public ValueTask DisposeAsync()
    {
        Mock?.Dispose();
        return ValueTask.CompletedTask;
    }
}

[CollectionDefinition(Name)]
public sealed class KafkaCollection : ICollectionFixture<KafkaClusterFixture>
{
    public const string Name = "kafka";
}
