namespace Collab.Relay.Kafka;

/// <summary>
/// The Kafka relay's settings: where the brokers are, the topic names' prefix and the consumer group base (the seed's
/// <c>prefix</c> and <c>groupIdBase</c>), how topics are created, and any librdkafka property.
/// </summary>
public sealed class KafkaRelayOptions
{
    /// <summary>Comma-separated <c>host:port</c> list of brokers (librdkafka's <c>bootstrap.servers</c>).</summary>
    public string BootstrapServers { get; set; } = "";

    /// <summary>
    /// The first part of every topic name: the relay uses <c>{Prefix}.updates</c>, <c>{Prefix}.signals</c> and
    /// <c>{Prefix}.events</c>, whatever the number of documents. Default <c>hocuspocus</c>, like the seed.
    /// </summary>
    public string Prefix { get; set; } = "hocuspocus";

    /// <summary>Each instance consumes in its own group <c>{GroupIdBase}-{identifier}</c>. Default <c>hocuspocus</c>.</summary>
    public string GroupIdBase { get; set; } = "hocuspocus";

    /// <summary>Create the three topics at start when they do not exist (needs the broker's CreateTopics permission). Default true.</summary>
    public bool CreateTopics { get; set; } = true;

    /// <summary>Partitions of created topics: the documents' keys spread over them. Default 12.</summary>
    public int Partitions { get; set; } = 12;

    /// <summary>Replication factor of created topics; -1 takes the broker's default. Default -1.</summary>
    public short ReplicationFactor { get; set; } = -1;

    /// <summary>Retention of the updates and events topics (<c>retention.ms</c> of created topics): storage lives elsewhere. Default 1 day.</summary>
    public TimeSpan UpdatesRetention { get; set; } = TimeSpan.FromDays(1);

    /// <summary>Retention of the signals topic (awareness, sync requests, stateless): nobody replays them. Default 10 minutes.</summary>
    public TimeSpan SignalsRetention { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// How long the durable producer gathers updates into one batch (<c>linger.ms</c>). Default 10 ms: at 2,000 updates/s
    /// from three replicas, 2 ms made five times as many batches and the broker's work grew with them (cross-replica p99
    /// 1.1 s on the test cluster), 10 ms gave 60 ms and 20 ms 72 ms (LoadGen README, "Replicas").
    /// </summary>
    public TimeSpan UpdatesLinger { get; set; } = TimeSpan.FromMilliseconds(10);

    /// <summary>
    /// How long a durable message may wait for the brokers before it fails (<c>message.timeout.ms</c>): updates written
    /// during an outage shorter than this are delivered when Kafka returns. Default 5 minutes.
    /// </summary>
    public TimeSpan UpdatesTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long a signal may wait before it is dropped (<c>message.timeout.ms</c> of the signals producer). Default 5 s.</summary>
    public TimeSpan SignalsTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The longest a consumer fetch waits at the broker for new messages (<c>fetch.wait.max.ms</c>). A real broker answers
    /// as soon as a message arrives, so this only bounds idle round trips; librdkafka's mock cluster answers only when it
    /// expires, so it adds up to this much to every relayed message there. Default 5 ms.
    /// </summary>
    public TimeSpan FetchWait { get; set; } = TimeSpan.FromMilliseconds(5);

    /// <summary>
    /// Idempotent production of durable messages (<c>enable.idempotence</c>: no duplicates or reordering on retries).
    /// Needs Kafka 0.11 or newer; turn it off for older brokers. Default true.
    /// </summary>
    public bool Idempotence { get; set; } = true;

    /// <summary>
    /// librdkafka properties for every client (producers, consumer, admin), applied last so they win: security
    /// (<c>security.protocol</c>, <c>sasl.mechanism</c>, <c>sasl.username</c>, <c>ssl.ca.location</c>…), compression
    /// (<c>compression.type</c>: <c>snappy</c>, <c>lz4</c>, <c>zstd</c>, <c>gzip</c>; producers only), timeouts,
    /// old-broker fallbacks (<c>api.version.request</c>, <c>broker.version.fallback</c>).
    /// </summary>
    public Dictionary<string, string> Settings { get; set; } = new(StringComparer.Ordinal);

    /// <summary>librdkafka properties for the two producers only (applied after <see cref="Settings"/>).</summary>
    public Dictionary<string, string> ProducerSettings { get; set; } = new(StringComparer.Ordinal);

    /// <summary>librdkafka properties for the consumer only (applied after <see cref="Settings"/>).</summary>
    public Dictionary<string, string> ConsumerSettings { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The topic of document updates.</summary>
    public string UpdatesTopic => Prefix + ".updates";

    /// <summary>The topic of signals (awareness, queries, sync requests and replies, stateless, heartbeats).</summary>
    public string SignalsTopic => Prefix + ".signals";

    /// <summary>The topic of event-bus events.</summary>
    public string EventsTopic => Prefix + ".events";

    /// <summary>The consumer group of an instance.</summary>
    /// <param name="instance">The instance identifier.</param>
    /// <returns><c>{GroupIdBase}-{instance}</c>.</returns>
    public string GroupId(string instance) => $"{GroupIdBase}-{instance}";

    /// <summary>Checks the values; returns the problems (empty when valid).</summary>
    /// <returns>Problems, one sentence each.</returns>
    public IReadOnlyList<string> Validate()
    {
        List<string> errors = [];
        if (string.IsNullOrWhiteSpace(BootstrapServers))
        {
            errors.Add("Kafka BootstrapServers is empty (set --kafka-brokers, KAFKA_BROKERS, ConnectionStrings:kafka or Collab:Relay:Kafka:BootstrapServers).");
        }

        if (string.IsNullOrEmpty(Prefix) || Prefix.Length > 200 || Prefix.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-')))
        {
            errors.Add($"Kafka Prefix '{Prefix}' must be 1–200 characters of [A-Za-z0-9._-] (it starts topic names).");
        }

        if (string.IsNullOrWhiteSpace(GroupIdBase))
        {
            errors.Add("Kafka GroupIdBase is empty.");
        }

        if (Partitions < 1)
        {
            errors.Add("Kafka Partitions must be at least 1.");
        }

        if (UpdatesLinger < TimeSpan.Zero || UpdatesTimeout <= TimeSpan.Zero || SignalsTimeout <= TimeSpan.Zero)
        {
            errors.Add("Kafka UpdatesLinger must be non-negative and the timeouts positive.");
        }

        return errors;
    }
}
