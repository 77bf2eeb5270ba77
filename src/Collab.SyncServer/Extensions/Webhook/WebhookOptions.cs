using System.ComponentModel.DataAnnotations;

namespace Collab.SyncServer.Extensions.Webhook;

/// <summary>
/// Webhooks (like Hocuspocus' Webhook extension), bound from <c>Collab:Webhook</c>; on when <see cref="Url"/> is set.
/// Each event is a signed JSON POST <c>{"event": name, "payload": {…}}</c>.
/// </summary>
public sealed class WebhookOptions : IValidatableObject
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Collab:Webhook";

    /// <summary>The events that exist.</summary>
    public static readonly IReadOnlySet<string> KnownEvents = new HashSet<string>(StringComparer.Ordinal) { "connect", "create", "change", "disconnect" };

    /// <summary>Where events are posted (http or https); the <c>services__…</c> service discovery names work too.</summary>
    public Uri? Url { get; set; }

    /// <summary>Key of the HMAC-SHA256 signature in <c>X-Hocuspocus-Signature-256: sha256=&lt;hex&gt;</c>. Default empty.</summary>
    public string Secret { get; set; } = "";

    /// <summary>Events to send: any of connect, create, change, disconnect (a list or one comma-separated string). Default change.</summary>
    public List<string>? Events { get; set; }

    /// <summary>Delay of the change event after the last change of a document; zero sends every change. Default 2 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan Debounce { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Longest a change event can be postponed by continuous changes. Default 10 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan DebounceMaxWait { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The events in effect.</summary>
    public IReadOnlySet<string> EffectiveEvents =>
        Events is null or { Count: 0 }
            ? new HashSet<string>(StringComparer.Ordinal) { "change" }
            : Events.SelectMany(e => e.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToHashSet(StringComparer.Ordinal);

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Url is null)
        {
            yield break;
        }

        if (!Url.IsAbsoluteUri || (Url.Scheme != Uri.UriSchemeHttp && Url.Scheme != Uri.UriSchemeHttps))
        {
            yield return new ValidationResult("Collab:Webhook:Url must be an absolute http or https URL.", [nameof(Url)]);
        }

        foreach (var unknown in EffectiveEvents.Where(e => !KnownEvents.Contains(e)))
        {
            yield return new ValidationResult($"Collab:Webhook:Events contains \"{unknown}\"; known events are connect, create, change, disconnect.", [nameof(Events)]);
        }
    }
}
