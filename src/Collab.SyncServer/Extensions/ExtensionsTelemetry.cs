using System.Diagnostics.Metrics;

namespace Collab.SyncServer.Extensions;

/// <summary>The Meter of the built-in extensions and authentication (<c>Collab.SyncServer.Extensions</c>, exported by the service defaults).</summary>
public static class ExtensionsTelemetry
{
    /// <summary>Name of the Meter.</summary>
    public const string Name = "Collab.SyncServer.Extensions";

    private static readonly Meter Meter = new(Name);

    /// <summary>Authentications denied, tagged with the PermissionDenied reason.</summary>
    public static readonly Counter<long> AuthDenials = Meter.CreateCounter<long>("collab.auth.denials", "{denial}", "Authentications denied");

    /// <summary>Connections closed because their token expired.</summary>
    public static readonly Counter<long> TokenExpirations = Meter.CreateCounter<long>("collab.auth.token_expirations", "{connection}", "Connections closed at token expiry");

    /// <summary>Addresses banned by the throttle.</summary>
    public static readonly Counter<long> ThrottleBans = Meter.CreateCounter<long>("collab.throttle.bans", "{ban}", "Client addresses banned");

    /// <summary>Connection attempts rejected by the throttle.</summary>
    public static readonly Counter<long> ThrottleRejections = Meter.CreateCounter<long>("collab.throttle.rejections", "{attempt}", "Connection attempts rejected by the throttle");

    /// <summary>Webhook events sent, tagged with the event and the outcome (success or failure).</summary>
    public static readonly Counter<long> WebhookEvents = Meter.CreateCounter<long>("collab.webhook.events", "{event}", "Webhook events sent");

    /// <summary>Duration of SQLite stores.</summary>
    public static readonly Histogram<double> SqliteStoreDuration = Meter.CreateHistogram<double>("collab.sqlite.store.duration", "s", "Duration of document stores in SQLite");
}
