using Microsoft.Extensions.Configuration;

namespace Collab.AppHost;

/// <summary>The AppHost's switches, from its configuration (command line <c>--replicas 2 --relay redis</c>, environment, appsettings).</summary>
/// <param name="Replicas">SyncServer replicas behind the orchestrator's proxy.</param>
/// <param name="Relay">How replicas share documents: <c>kafka</c>, <c>redis</c> or <c>none</c>.</param>
/// <param name="DataDirectory">Where the services keep their files: one folder per resource.</param>
internal sealed record AppModelOptions(int Replicas, string Relay, string DataDirectory)
{
    public static readonly string[] Relays = ["kafka", "redis", "none"];

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
        return new AppModelOptions(replicas, relay, data);
    }
}
