using System.ComponentModel.DataAnnotations;

namespace Collab.SyncServer.Extensions.Throttle;

/// <summary>
/// Connection throttling per client IP (like Hocuspocus' Throttle extension), bound from <c>Collab:Throttle</c>. Counts
/// document authentications (OnConnect); an IP with more than <see cref="Throttle"/> attempts within
/// <see cref="ConsideredSeconds"/> is banned for <see cref="BanTime"/>.
/// </summary>
public sealed class ThrottleOptions : IValidatableObject
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Collab:Throttle";

    /// <summary>Turn the throttle on. Default false.</summary>
    public bool Enabled { get; set; }

    /// <summary>Attempts allowed within the window; the next one bans. Default 15.</summary>
    [Range(1, int.MaxValue)]
    public int Throttle { get; set; } = 15;

    /// <summary>The window in seconds. Default 60.</summary>
    [Range(1, 86_400)]
    public int ConsideredSeconds { get; set; } = 60;

    /// <summary>How long a ban lasts. Default 5 minutes.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "30.00:00:00")]
    public TimeSpan BanTime { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How often stale records are dropped. Default 90 s.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan CleanupInterval { get; set; } = TimeSpan.FromSeconds(90);

    /// <summary>
    /// Take the client IP from <c>X-Real-IP</c> / <c>X-Forwarded-For</c> of every request. Only behind a proxy that sets
    /// these headers: otherwise clients choose their own IP. Default false.
    /// </summary>
    public bool TrustProxyHeaders { get; set; }

    /// <summary>
    /// Proxies (IP addresses) whose <c>X-Forwarded-For</c> is trusted: the client is the right-most address in the
    /// header that is not a known proxy, when the request came from a known proxy.
    /// </summary>
    public List<string> KnownProxies { get; set; } = [];

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var proxy in KnownProxies.Where(p => !System.Net.IPAddress.TryParse(p, out _)))
        {
            yield return new ValidationResult($"Collab:Throttle:KnownProxies entry \"{proxy}\" is not an IP address.", [nameof(KnownProxies)]);
        }
    }
}
