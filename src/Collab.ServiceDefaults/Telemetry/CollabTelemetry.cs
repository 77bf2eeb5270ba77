namespace Collab.ServiceDefaults.Telemetry;

/// <summary>
/// The names of every <see cref="System.Diagnostics.ActivitySource"/> and <see cref="System.Diagnostics.Metrics.Meter"/>
/// Collab services listen to. Each Collab component owns one source and one meter named <c>Collab.{Component}</c>;
/// the <c>Collab.*</c> wildcard below picks them all up, so a new component needs no change here.
/// </summary>
public static class CollabTelemetry
{
    /// <summary>Prefix of Collab's own sources and meters.</summary>
    public const string Prefix = "Collab.";

    /// <summary>Activity sources exported as traces: Collab's own, ASP.NET Core's and HttpClient's.</summary>
    public static IReadOnlyList<string> ActivitySources { get; } =
    [
        Prefix + "*",
        "Microsoft.AspNetCore",
        "System.Net.Http",
    ];

    /// <summary>Meters exported as metrics: Collab's own, ASP.NET Core's, HttpClient's and the runtime's.</summary>
    public static IReadOnlyList<string> Meters { get; } =
    [
        Prefix + "*",
        "Microsoft.AspNetCore.Hosting",
        "Microsoft.AspNetCore.Server.Kestrel",
        "Microsoft.AspNetCore.Http.Connections",
        "Microsoft.AspNetCore.Routing",
        "Microsoft.AspNetCore.Diagnostics",
        "Microsoft.AspNetCore.RateLimiting",
        "System.Net.Http",
        "System.Net.NameResolution",
        "System.Runtime",
    ];
}
