using Collab.ServiceDefaults.Discovery;
using Microsoft.Extensions.Http;

namespace Collab.ServiceDefaults.Resilience;

/// <summary>
/// Puts resilience (outermost) and service discovery (innermost) around every HttpClient that
/// IHttpClientFactory builds, keyed by the client's name so each named client has its own circuit breaker.
/// Resilience sits outside discovery, so every retry resolves again and may reach another replica.
/// </summary>
internal sealed class CollabHttpHandlerFilter(HttpResiliencePipelines pipelines, ServiceEndpointResolver resolver) : IHttpMessageHandlerBuilderFilter
{
    public Action<HttpMessageHandlerBuilder> Configure(Action<HttpMessageHandlerBuilder> next) => builder =>
    {
        next(builder);
        builder.AdditionalHandlers.Insert(0, new ResilienceHandler(pipelines.Get(builder.Name ?? "")));
        builder.AdditionalHandlers.Add(new ServiceDiscoveryHandler(resolver));
    };
}
