using Confluent.Kafka;

namespace Collab.Persistence.Worker;

/// <summary>The librdkafka settings of the worker's clients: Collab's defaults, then the configured properties (they win).</summary>
internal static class WorkerKafkaSettings
{
    /// <summary>The group member that consumes the updates: from the earliest retained update, commits only what is stored.</summary>
    public static ConsumerConfig Consumer(PersistenceWorkerOptions options, string instance)
    {
        var config = new ConsumerConfig
        {
            BootstrapServers = options.BootstrapServers,
            ClientId = $"{instance}-persistence",
            GroupId = options.EffectiveGroupId,
            // a new group must store everything the topic still holds
            AutoOffsetReset = AutoOffsetReset.Earliest,
            EnableAutoCommit = false,
            EnableAutoOffsetStore = false,
            EnablePartitionEof = false,
            AllowAutoCreateTopics = true,
            FetchWaitMaxMs = 100,
            SessionTimeoutMs = 10_000,
            HeartbeatIntervalMs = 1_000,
            MaxPollIntervalMs = 300_000,
            ReconnectBackoffMs = 100,
            ReconnectBackoffMaxMs = 10_000,
        };
        Apply(config, options);
        return config;
    }

    /// <summary>The reader of a partition's unwritten tail: the group's committed offsets, never a member, never committing.</summary>
    public static ConsumerConfig TailReader(PersistenceWorkerOptions options, string instance)
    {
        var config = Consumer(options, instance);
        config.ClientId = $"{instance}-reader";
        config.FetchWaitMaxMs = 10;
        Apply(config, options);
        return config;
    }

    public static ProducerConfig EventProducer(PersistenceWorkerOptions options, string instance)
    {
        var config = new ProducerConfig
        {
            BootstrapServers = options.BootstrapServers,
            ClientId = $"{instance}-events",
            Acks = Acks.Leader,
            LingerMs = 50,
            MessageTimeoutMs = 30_000,
        };
        Apply(config, options);
        return config;
    }

    private static void Apply(ClientConfig config, PersistenceWorkerOptions options)
    {
        foreach (var (key, value) in options.Settings)
        {
            config.Set(key, value);
        }
    }
}
