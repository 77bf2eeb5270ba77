using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;

namespace Collab.SyncServer.Extensions.Webhook;

/// <summary>
/// Posts webhook events: JSON body <c>{"event", "payload"}</c>, signed with HMAC-SHA256 of the body in
/// <c>X-Hocuspocus-Signature-256: sha256=&lt;hex&gt;</c>. Uses the IHttpClientFactory client <see cref="ClientName"/>,
/// which the service defaults give retries (5xx, 408, 429, network errors), timeouts and a circuit breaker.
/// </summary>
public sealed class WebhookSender(IHttpClientFactory httpClientFactory, IOptions<WebhookOptions> options)
{
    /// <summary>Name of the HttpClient.</summary>
    public const string ClientName = "webhook";

    /// <summary>The signature header.</summary>
    public const string SignatureHeader = "X-Hocuspocus-Signature-256";

    /// <summary>The signature header value for <paramref name="body"/>: <c>sha256=</c> and the lower-case hex HMAC.</summary>
    public static string Sign(string secret, ReadOnlySpan<byte> body) =>
        "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));

    private async Task<HttpResponseMessage> PostAsync(string eventName, HttpRequestMessage request, CancellationToken cancellationToken)
    {
        try
        {
            return await httpClientFactory.CreateClient(ClientName).SendAsync(request, cancellationToken);
        }
        catch
        {
            Count(eventName, "failure");
            throw;
        }
    }

    private static void Count(string eventName, string outcome) =>
        ExtensionsTelemetry.WebhookEvents.Add(1, new KeyValuePair<string, object?>("event", eventName), new KeyValuePair<string, object?>("outcome", outcome));

    /// <summary>Posts an event; returns the response body when it is JSON, else null.</summary>
    /// <exception cref="WebhookException">The endpoint answered with a non-success status (after retries).</exception>
    public async Task<JsonNode?> SendAsync(string eventName, JsonObject payload, CancellationToken cancellationToken = default)
    {
        var settings = options.Value;
        var url = settings.Url ?? throw new InvalidOperationException("Collab:Webhook:Url is not configured.");
        var body = JsonSerializer.SerializeToUtf8Bytes(new JsonObject { ["event"] = eventName, ["payload"] = payload });
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        request.Headers.TryAddWithoutValidation(SignatureHeader, Sign(settings.Secret, body));
        using var response = await PostAsync(eventName, request, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            Count(eventName, "failure");
            throw new WebhookException(eventName, (int)response.StatusCode);
        }

        Count(eventName, "success");

        if (response.Content.Headers.ContentType?.MediaType?.Contains("json", StringComparison.OrdinalIgnoreCase) != true)
        {
            return null;
        }

        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        return string.IsNullOrWhiteSpace(text) ? null : JsonNode.Parse(text);
    }
}
