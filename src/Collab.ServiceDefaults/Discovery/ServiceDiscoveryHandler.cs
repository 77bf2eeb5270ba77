namespace Collab.ServiceDefaults.Discovery;

/// <summary>Rewrites each outgoing request's logical address to a physical endpoint, per attempt.</summary>
/// <param name="resolver">The configuration-based resolver.</param>
public sealed class ServiceDiscoveryHandler(ServiceEndpointResolver resolver) : DelegatingHandler
{
    /// <inheritdoc />
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.RequestUri is { } address && resolver.TryResolve(address, out var resolved))
        {
            request.RequestUri = resolved;
        }

        return base.SendAsync(request, cancellationToken);
    }
}
