using Collab.Relay.Kafka;
using Collab.Relay.Redis;

namespace Collab.SyncServer.Relay;

/// <summary>
/// How replicas of the sync server share documents (<c>Collab:Relay</c>). The seed's options keep their names:
/// <c>identifier</c>, <c>prefix</c>, <c>groupIdBase</c>, <c>disconnectDelay</c>, <c>lockTimeout</c>.
/// </summary>
public sealed class RelayOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Collab:Relay";

    /// <summary>
    /// <c>kafka</c>, <c>redis</c>, <c>in-process</c> or <c>none</c>. Empty (the default): <c>kafka</c> when Kafka brokers
    /// are configured, <c>redis</c> when Redis is, <c>none</c> when neither is (a single node); both is a startup error.
    /// </summary>
    public string Transport { get; set; } = "";

    /// <summary>
    /// This instance's identifier: its messages' origin and its consumer group's suffix. Default: <c>HYPHA_SERVER_ID</c>
    /// when set, otherwise the machine name and a random suffix. Give replicas stable, unique ids (a pod name).
    /// </summary>
    public string Identifier { get; set; } = "";

    /// <summary>The first part of topic (Kafka) or channel (Redis) names. Default <c>hocuspocus</c>.</summary>
    public string Prefix { get; set; } = "hocuspocus";

    /// <summary>Kafka: each replica consumes in the group <c>{GroupIdBase}-{Identifier}</c>. Default <c>hocuspocus</c>.</summary>
    public string GroupIdBase { get; set; } = "hocuspocus";

    /// <summary>
    /// Before a document is unloaded, how long to wait for the transport to acknowledge its last relayed updates (the
    /// wait ends as soon as they are acknowledged; it is not a sleep). Default 1 s.
    /// </summary>
    public TimeSpan DisconnectDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// The seed's store-lock time-to-live. No lock exists here: a change is stored by the replica whose client made it
    /// (relayed changes never run store hooks), so no two replicas write the same change. The value bounds the
    /// initial sync of a loading document when <see cref="InitialSyncTimeout"/> is not set. Default 1 s.
    /// </summary>
    public TimeSpan LockTimeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long a loading document waits for the answers of the live peers to its sync request (what they hold that
    /// storage lacked) before its first client is served. No wait when no peer is alive. Default: <see cref="LockTimeout"/>.
    /// </summary>
    public TimeSpan? InitialSyncTimeout { get; set; }

    /// <summary>How often this instance says it is alive. Default 2 s.</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>A peer not heard from for this long is gone: the awareness states it relayed are removed. Default 10 s.</summary>
    public TimeSpan PeerTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// SyncStatus waits, beyond the local log, for the transport to acknowledge the change's update (the architecture's
    /// "saved once durable in Kafka"). Default: on for Kafka, off for Redis (pub/sub keeps nothing) and in-process.
    /// </summary>
    public bool? AcknowledgeAfterRelay { get; set; }

    /// <summary>Whether <see cref="AcknowledgeAfterRelay"/> is in effect for the transport.</summary>
    public bool EffectiveAcknowledgeAfterRelay => AcknowledgeAfterRelay ?? Transport == "kafka";

    /// <summary>The Kafka transport's settings (brokers, topics, librdkafka properties).</summary>
    public KafkaRelayOptions Kafka { get; set; } = new();

    /// <summary>The Redis transport's settings.</summary>
    public RedisRelayOptions Redis { get; set; } = new();

    /// <summary>The initial sync's bound in effect.</summary>
    public TimeSpan EffectiveInitialSyncTimeout => InitialSyncTimeout ?? LockTimeout;
}
