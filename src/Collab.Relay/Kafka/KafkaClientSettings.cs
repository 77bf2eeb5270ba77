using System.Globalization;
using Confluent.Kafka;

namespace Collab.Relay.Kafka;

/// <summary>The librdkafka settings of the relay's clients: Collab's defaults first, the configured properties last (they win).</summary>
internal static class KafkaClientSettings
{
    /// <summary>
    /// The durable producer (updates, events: <c>acks=all</c>, idempotent, lingering, retried until UpdatesTimeout, so an
    /// outage shorter than that loses nothing) or the signal producer (<c>acks=1</c>, no linger, a short timeout).
    /// </summary>
    public static ProducerConfig Producer(KafkaRelayOptions options, string instance, bool durable)
    {
        var config = new ProducerConfig
        {
            BootstrapServers = options.BootstrapServers,
            ClientId = durable ? $"{instance}-updates" : $"{instance}-signals",
            Acks = durable ? Acks.All : Acks.Leader,
            EnableIdempotence = durable && options.Idempotence,
            LingerMs = durable ? options.UpdatesLinger.TotalMilliseconds : 0,
            MessageTimeoutMs = Milliseconds(durable ? options.UpdatesTimeout : options.SignalsTimeout),
            QueueBufferingMaxMessages = 100_000,
            ReconnectBackoffMs = 100,
            ReconnectBackoffMaxMs = 10_000,
            SocketNagleDisable = true,
        };
        Apply(config, options.Settings, options.ProducerSettings);
        return config;
    }

    public static ConsumerConfig Consumer(KafkaRelayOptions options, string instance)
    {
        var config = new ConsumerConfig
        {
            BootstrapServers = options.BootstrapServers,
            ClientId = $"{instance}-relay",
            GroupId = options.GroupId(instance),
            // an instance never needs the past: what it lacks it gets by peer sync when it loads a document
            AutoOffsetReset = AutoOffsetReset.Latest,
            EnableAutoCommit = false,
            EnableAutoOffsetStore = false,
            EnablePartitionEof = false,
            AllowAutoCreateTopics = true,
            FetchWaitMaxMs = Milliseconds(options.FetchWait),
            SessionTimeoutMs = 10_000,
            HeartbeatIntervalMs = 1_000,
            TopicMetadataRefreshIntervalMs = 10_000,
            ReconnectBackoffMs = 100,
            ReconnectBackoffMaxMs = 10_000,
            SocketNagleDisable = true,
        };
        Apply(config, options.Settings, options.ConsumerSettings);
        return config;
    }

    public static AdminClientConfig Admin(KafkaRelayOptions options, string instance)
    {
        var config = new AdminClientConfig { BootstrapServers = options.BootstrapServers, ClientId = $"{instance}-admin" };
        // producer- and consumer-only properties would be rejected by an admin client
        Apply(config, options.Settings);
        return config;
    }

    private static int Milliseconds(TimeSpan value) => (int)Math.Clamp(value.TotalMilliseconds, 1, int.MaxValue);

    private static void Apply(ClientConfig config, params Dictionary<string, string>[] settings)
    {
        foreach (var set in settings)
        {
            foreach (var (key, value) in set)
            {
                config.Set(key, value);
            }
        }
    }

    public static string Format(TimeSpan value) => Milliseconds(value).ToString(CultureInfo.InvariantCulture);
}
