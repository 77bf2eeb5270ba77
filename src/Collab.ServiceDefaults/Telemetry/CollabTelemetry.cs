namespace Collab.ServiceDefaults.Telemetry;

/// <summary>
/// Collab's own telemetry: each component owns one <see cref="System.Diagnostics.ActivitySource"/> and one
/// <see cref="System.Diagnostics.Metrics.Meter"/> named <c>Collab.{Component}</c>, and the service defaults listen to
/// them all through one wildcard, so a new component needs no change here. ASP.NET Core's, HttpClient's and the
/// runtime's come from their OpenTelemetry instrumentation packages.
/// </summary>
public static class CollabTelemetry
{
    /// <summary>Prefix of Collab's own sources and meters.</summary>
    public const string Prefix = "Collab.";

    /// <summary>The wildcard that selects every Collab source and meter.</summary>
    public const string Wildcard = Prefix + "*";
}
