using Microsoft.Extensions.Configuration;

namespace Aspire.Hosting;

/// <summary>
/// The switches of a Collab app model, read from the app host's configuration (command line <c>--Replicas 2 --Relay redis</c>,
/// environment, appsettings.json): the repository's AppHost and every app host the collab-aspire template makes.
/// </summary>
/// <param name="Replicas">SyncServer replicas behind the orchestrator's proxy (1–64). Default 3.</param>
/// <param name="Relay">How replicas share documents: <c>kafka</c> (default), <c>redis</c> or <c>none</c>.</param>
/// <param name="Storage">Where documents are stored: <c>sqlite</c> (default), <c>s3</c> or <c>filesystem</c>. With Kafka the
/// persistence worker stores them; otherwise each replica does.</param>
/// <param name="Auth"><c>none</c> (default) or <c>jwt</c>: clients present HS256 tokens signed with the secret parameter
/// <c>jwt-secret</c>.</param>
/// <param name="Editor">Serve the editor page (<c>/editor/</c>). Default true.</param>
/// <param name="DataDirectory">Where the services keep their files when run: one folder per resource.</param>
/// <param name="Topology"><c>default</c> (replicas, and with Kafka the persistence worker) or <c>playground</c> (the seed's:
/// two SQLite-backed and two S3-backed servers sharing documents through Kafka, each storing for itself).</param>
/// <param name="S3Server">With Storage s3, what the deployment manifest (publish mode) stores in: <c>external</c> (default: an
/// existing S3 service named by the parameters <c>s3-service-url</c>, <c>s3-bucket</c>, <c>s3-access-key</c>, <c>s3-secret-key</c>)
/// or <c>minio</c> (a MinIO container with a volume, its password the generated secret parameter <c>s3-password</c>). Local runs
/// use s3rver either way.</param>
public sealed record CollabAppOptions(
    int Replicas = 3,
    string Relay = "kafka",
    string Storage = "sqlite",
    string Auth = "none",
    bool Editor = true,
    string DataDirectory = "data",
    string Topology = "default",
    string S3Server = "external")
{
    /// <summary>The values of <see cref="Relay"/>.</summary>
    public static readonly IReadOnlyList<string> Relays = ["kafka", "redis", "none"];

    /// <summary>The values of <see cref="Storage"/>.</summary>
    public static readonly IReadOnlyList<string> Storages = ["sqlite", "s3", "filesystem"];

    /// <summary>The values of <see cref="Auth"/>.</summary>
    public static readonly IReadOnlyList<string> Auths = ["none", "jwt"];

    /// <summary>The values of <see cref="S3Server"/>.</summary>
    public static readonly IReadOnlyList<string> S3Servers = ["external", "minio"];

    /// <summary>The values of <see cref="Topology"/>.</summary>
    public static readonly IReadOnlyList<string> Topologies = ["default", "playground"];

    /// <summary>Reads and checks the switches; a bad value stops the app host with a message naming it.</summary>
    /// <param name="configuration">The app host's configuration.</param>
    /// <param name="appHostDirectory">The app host's project folder (a relative DataDirectory is under it).</param>
    /// <param name="defaultDataDirectory">The data folder when none is configured, relative to the app host's folder.</param>
    /// <returns>The options.</returns>
    public static CollabAppOptions From(IConfiguration configuration, string appHostDirectory, string defaultDataDirectory = "data")
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var replicas = configuration.GetValue("Replicas", 3);
        if (replicas is < 1 or > 64)
        {
            throw new InvalidOperationException($"Replicas must be between 1 and 64 (was {replicas}).");
        }

        var relay = OneOf(configuration, "Relay", Relays);
        var storage = OneOf(configuration, "Storage", Storages);
        var auth = OneOf(configuration, "Auth", Auths);
        var topology = OneOf(configuration, "Topology", Topologies);
        if (topology == "playground" && relay != "kafka")
        {
            throw new InvalidOperationException("The playground topology shares documents through Kafka: leave Relay at kafka.");
        }

        var s3Server = OneOf(configuration, "S3Server", S3Servers);
        if (configuration["S3Server"] is { Length: > 0 } && storage != "s3")
        {
            throw new InvalidOperationException($"S3Server chooses the S3 service of Storage s3; Storage is {storage}.");
        }

        var data = Path.GetFullPath(configuration["DataDirectory"] is { Length: > 0 } configured ? configured : defaultDataDirectory, appHostDirectory);
        return new CollabAppOptions(replicas, relay, storage, auth, configuration.GetValue("Editor", true), data, topology, s3Server);
    }

    private static string OneOf(IConfiguration configuration, string key, IReadOnlyList<string> values)
    {
        var value = (configuration[key] ?? values[0]).ToLowerInvariant();
        return values.Contains(value)
            ? value
            : throw new InvalidOperationException($"{key} must be one of {string.Join(", ", values)} (was '{value}').");
    }
}
