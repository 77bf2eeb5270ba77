using Polly;

namespace Collab.ServiceDefaults.Resilience;

/// <summary>
/// Sends each request through a resilience pipeline. Every attempt gets a fresh copy of the request (a request
/// message can be sent only once), with the body buffered once up front.
/// </summary>
/// <param name="pipeline">The client's pipeline.</param>
public sealed class ResilienceHandler(ResiliencePipeline<HttpResponseMessage> pipeline) : DelegatingHandler
{
    /// <inheritdoc />
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        // Reading buffers the content, so the first attempt can still send the original message.
        var body = request.Content is null ? null : await request.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        // Inner handlers (service discovery) rewrite the address; each retry starts again from the logical one.
        var address = request.RequestUri;
        var attempt = 0;
        return await pipeline.ExecuteAsync(
            async token =>
            {
                var message = attempt++ == 0 ? request : Copy(request, address, body);
                return await base.SendAsync(message, token).ConfigureAwait(false);
            },
            cancellationToken).ConfigureAwait(false);
    }

    private static HttpRequestMessage Copy(HttpRequestMessage original, Uri? address, byte[]? body)
    {
        var copy = new HttpRequestMessage(original.Method, address)
        {
            Version = original.Version,
            VersionPolicy = original.VersionPolicy,
        };
        foreach (var (name, values) in original.Headers)
        {
            copy.Headers.TryAddWithoutValidation(name, values);
        }

        foreach (var (key, value) in original.Options)
        {
            ((IDictionary<string, object?>)copy.Options)[key] = value;
        }

        if (body is not null)
        {
            copy.Content = CopyContent(original.Content!, body);
        }

        return copy;
    }

    private static ByteArrayContent CopyContent(HttpContent original, byte[] body)
    {
        var content = new ByteArrayContent(body);
        foreach (var (name, values) in original.Headers)
        {
            content.Headers.TryAddWithoutValidation(name, values);
        }

        return content;
    }
}
