using System.Runtime.InteropServices;
using System.Text;
using Collab.Relay.Kafka;

namespace Collab.KafkaTestCluster;

/// <summary>
/// A Kafka-protocol cluster on loopback ports: librdkafka's built-in mock cluster, created through its C API.
/// It supports producing (also idempotent), consuming, balanced consumer groups with committed offsets and
/// topic metadata, which is what Collab's tests need without Docker or a JVM. Brokers can be taken down and
/// brought back up to test outages. Broker ids run from 1 to <see cref="BrokerCount"/>.
/// </summary>
public sealed class MockKafkaCluster : IDisposable
{
    private const int ProducerType = 0;
    private readonly Lock _gate = new();
    private nint _client;
    private nint _cluster;

    private MockKafkaCluster(nint client, nint cluster, int brokerCount)
    {
        _client = client;
        _cluster = cluster;
        BrokerCount = brokerCount;
        BootstrapServers = Marshal.PtrToStringUTF8(LibRdKafkaMock.ClusterBootstraps(cluster))
            ?? throw new InvalidOperationException("librdkafka returned no bootstrap address for the mock cluster.");
    }

    /// <summary>The <c>bootstrap.servers</c> value that reaches this cluster.</summary>
    public string BootstrapServers { get; }

    /// <summary>How many brokers the cluster has.</summary>
    public int BrokerCount { get; }

    /// <summary>Starts a cluster with <paramref name="brokerCount"/> brokers on free loopback ports.</summary>
    public static MockKafkaCluster Start(int brokerCount = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(brokerCount, 1);
        KafkaNativeLibrary.EnsureLoaded();
        LibRdKafkaMock.Initialize();

        var error = new byte[512];
        var conf = LibRdKafkaMock.ConfNew();
        // The handle only hosts the cluster's threads and timers; it never talks to a broker itself.
        foreach (var (name, value) in new[] { ("client.id", "collab-mock-cluster"), ("log_level", "3") })
        {
            if (LibRdKafkaMock.ConfSet(conf, name, value, error, (nuint)error.Length) != 0)
            {
                LibRdKafkaMock.ConfDestroy(conf);
                throw new InvalidOperationException($"librdkafka rejected {name}={value}: {Text(error)}");
            }
        }

        var client = LibRdKafkaMock.KafkaNew(ProducerType, conf, error, (nuint)error.Length);
        if (client == 0)
        {
            LibRdKafkaMock.ConfDestroy(conf);
            throw new InvalidOperationException($"librdkafka could not create the mock cluster's handle: {Text(error)}");
        }

        var cluster = LibRdKafkaMock.ClusterNew(client, brokerCount);
        if (cluster == 0)
        {
            LibRdKafkaMock.KafkaDestroy(client);
            throw new InvalidOperationException("librdkafka could not create the mock cluster.");
        }

        return new MockKafkaCluster(client, cluster, brokerCount);
    }

    /// <summary>Creates a topic (the mock also auto-creates topics a producer names, with default settings).</summary>
    public void CreateTopic(string name, int partitions = 1, int replicationFactor = 1)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Check(LibRdKafkaMock.TopicCreate(Cluster, name, partitions, Math.Min(replicationFactor, BrokerCount)), $"create topic {name}");
    }

    /// <summary>Deletes the records of a partition before <paramref name="beforeOffset"/>, which becomes the log's start offset.</summary>
    public void DeleteRecords(string topic, int partition, long beforeOffset)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(topic);
        Check(LibRdKafkaMock.PartitionDeleteRecords(Cluster, topic, partition, beforeOffset), $"delete records of {topic} [{partition}] before {beforeOffset}");
    }

    /// <summary>Disconnects a broker and refuses new connections to it until <see cref="SetBrokerUp"/>.</summary>
    public void SetBrokerDown(int brokerId) => Check(LibRdKafkaMock.BrokerSetDown(Cluster, brokerId), $"take broker {brokerId} down");

    /// <summary>Lets a broker accept connections again.</summary>
    public void SetBrokerUp(int brokerId) => Check(LibRdKafkaMock.BrokerSetUp(Cluster, brokerId), $"bring broker {brokerId} up");

    /// <summary>Stops every broker and frees the cluster.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_cluster != 0)
            {
                LibRdKafkaMock.ClusterDestroy(_cluster);
                _cluster = 0;
            }

            if (_client != 0)
            {
                LibRdKafkaMock.KafkaDestroy(_client);
                _client = 0;
            }
        }
    }

    private nint Cluster
    {
        get
        {
            ObjectDisposedException.ThrowIf(_cluster == 0, this);
            return _cluster;
        }
    }

    private static void Check(int error, string what)
    {
        if (error != 0)
        {
            throw new InvalidOperationException($"Mock Kafka cluster could not {what}: {LibRdKafkaMock.Describe(error)}.");
        }
    }

    private static string Text(byte[] buffer)
    {
        var length = Array.IndexOf(buffer, (byte)0);
        return Encoding.UTF8.GetString(buffer, 0, length < 0 ? buffer.Length : length);
    }
}
