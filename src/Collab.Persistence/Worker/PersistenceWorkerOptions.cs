namespace Collab.Persistence.Worker;

/// <summary>
/// The persistence worker (<c>Collab:Persistence</c>): which Kafka stream it consumes, how it batches writes, and the key
/// its HTTP API requires. Every worker in one consumer group splits the partitions of <c>{Prefix}.updates</c>, so each
/// document has exactly one writer.
/// </summary>
public sealed class PersistenceWorkerOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Collab:Persistence";

    /// <summary>Kafka's bootstrap servers; when empty, <c>ConnectionStrings:kafka</c>, then <c>KAFKA_BROKERS</c>.</summary>
    public string BootstrapServers { get; set; } = "";

    /// <summary>The relay's topic prefix (the SyncServer's <c>Collab:Relay:Prefix</c>, the seed's <c>prefix</c>); the worker reads <c>{Prefix}.updates</c>.</summary>
    public string Prefix { get; set; } = "hocuspocus";

    /// <summary>The workers' shared consumer group; empty means <c>{Prefix}-persistence</c>.</summary>
    public string GroupId { get; set; } = "";

    /// <summary>This worker's name in logs, events and Kafka client ids; empty means the host name and process id.</summary>
    public string Identifier { get; set; } = "";

    /// <summary>A document is written once no update arrived for this long (Hocuspocus' <c>debounce</c>).</summary>
    public TimeSpan Debounce { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>…and at the latest this long after its first unwritten update (Hocuspocus' <c>maxDebounce</c>).</summary>
    public TimeSpan MaxDebounce { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>A written document's state stays in memory this long after its last update, so the next write need not read it back.</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often the offsets of written updates are committed.</summary>
    public TimeSpan CommitInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How many documents are written at the same time.</summary>
    public int WriteConcurrency { get; set; } = 4;

    /// <summary>How long a read through the API may take to catch up with the stream before it fails (503).</summary>
    public TimeSpan ReadTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The shared key the servers send (<c>Authorization: Bearer …</c>); the API refuses every request without it.</summary>
    public string ApiKey { get; set; } = "";

    /// <summary>librdkafka properties for every client of the worker (security, timeouts…); they override Collab's defaults.</summary>
    public Dictionary<string, string> Settings { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The updates topic.</summary>
    public string UpdatesTopic => Prefix + ".updates";

    /// <summary>The events topic, where store events go.</summary>
    public string EventsTopic => Prefix + ".events";

    /// <summary>The consumer group in use.</summary>
    public string EffectiveGroupId => GroupId.Length > 0 ? GroupId : Prefix + "-persistence";

    /// <summary>The problems with these options, empty when they are usable.</summary>
    /// <returns>One sentence per problem.</returns>
    public IReadOnlyList<string> Validate()
    {
        List<string> errors = [];
        if (string.IsNullOrWhiteSpace(BootstrapServers))
        {
            errors.Add("No Kafka brokers: set Collab:Persistence:BootstrapServers, ConnectionStrings:kafka or KAFKA_BROKERS.");
        }

        if (string.IsNullOrWhiteSpace(Prefix))
        {
            errors.Add("Collab:Persistence:Prefix must not be empty.");
        }

        if (Debounce < TimeSpan.Zero || MaxDebounce < Debounce)
        {
            errors.Add("Collab:Persistence:Debounce must be non-negative and MaxDebounce at least Debounce.");
        }

        if (CommitInterval <= TimeSpan.Zero || ReadTimeout <= TimeSpan.Zero || IdleTimeout < TimeSpan.Zero)
        {
            errors.Add("Collab:Persistence:CommitInterval and ReadTimeout must be positive, IdleTimeout non-negative.");
        }

        if (WriteConcurrency < 1)
        {
            errors.Add("Collab:Persistence:WriteConcurrency must be at least 1.");
        }

        if (string.IsNullOrEmpty(ApiKey))
        {
            errors.Add("Collab:Persistence:ApiKey is empty: the worker's API serves every stored document and needs a shared key (the AppHost generates one).");
        }

        return errors;
    }
}
