using Microsoft.Extensions.Configuration;

namespace Collab.AppHost;

/// <summary>The AppHost's switches, from its configuration (command line <c>--replicas 2 --relay redis</c>, environment, appsettings).</summary>
/// <param name="Replicas">SyncServer replicas behind the orchestrator's proxy.</param>
/// <param name="Relay">How replicas share documents: <c>kafka</c>, <c>redis</c> or <c>none</c>.</param>
/// <param name="DataDirectory">Where the services keep their files: one folder per resource.</param>
/// <param name="Topology"><c>default</c> (replicas, and with Kafka the persistence worker) or <c>playground</c> (the seed's:
/// two SQLite-backed and two S3-backed servers sharing documents through Kafka, each storing for itself).</param>
internal sealed record AppModelOptions(int Replicas, string Relay, string DataDirectory, string Topology = "default")
{
    public static readonly string[] Relays = ["kafka", "redis", "none"];

    public static readonly string[] Topologies = ["default", "playground"];

    public static AppModelOptions From(IConfiguration configuration, string appHostDirectory)
    {
        var replicas = configuration.GetValue("Replicas", 3);
        if (replicas is < 1 or > 64)
        {
            throw new InvalidOperationException($"Replicas must be between 1 and 64 (was {replicas}).");
        }

        var relay = (configuration["Relay"] ?? "kafka").ToLowerInvariant();
        if (!Relays.Contains(relay))
        {
            throw new InvalidOperationException($"Relay must be one of {string.Join(", ", Relays)} (was '{relay}').");
        }

        var data = configuration["DataDirectory"] is { Length: > 0 } configured
            ? Path.GetFullPath(configured, appHostDirectory)
            : Path.GetFullPath(Path.Combine(appHostDirectory, "..", "..", "data", "apphost"));
        var topology = (configuration["Topology"] ?? "default").ToLowerInvariant();
        if (!Topologies.Contains(topology))
        {
            throw new InvalidOperationException($"Topology must be one of {string.Join(", ", Topologies)} (was '{topology}').");
        }

        if (topology == "playground" && relay != "kafka")
        {
            throw new InvalidOperationException("The playground topology shares documents through Kafka: leave Relay at kafka.");
        }

        return new AppModelOptions(replicas, relay, data, topology);
    }
}
