using Collab.ServiceDefaults.Discovery;
using Collab.ServiceDefaults.Health;
using Collab.ServiceDefaults.Resilience;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Http;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Collab's service defaults, the counterpart of an Aspire ServiceDefaults project: one call gives a service
/// OpenTelemetry, health checks, service discovery and resilient outgoing HTTP.
/// </summary>
public static class Extensions
{
    /// <summary>
    /// Adds OpenTelemetry (<see cref="TelemetryExtensions.ConfigureOpenTelemetry{TBuilder}"/>), the default health
    /// checks, configuration-based service discovery and resilience for every HttpClient from IHttpClientFactory.
    /// </summary>
    /// <param name="builder">The application builder.</param>
    /// <returns>The same builder.</returns>
    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.ConfigureOpenTelemetry();
        builder.AddDefaultHealthChecks();
        builder.Services.AddServiceDiscovery();
        builder.Services.AddHttpResilience();
        builder.Services.AddHttpClient();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IHttpMessageHandlerBuilderFilter, CollabHttpHandlerFilter>());
        return builder;
    }

    /// <summary>Adds a "self" liveness check; features add their own readiness checks.</summary>
    /// <param name="builder">The application builder.</param>
    /// <returns>The same builder.</returns>
    public static TBuilder AddDefaultHealthChecks<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddHealthChecks().AddCheck("self", () => HealthCheckResult.Healthy(), [HealthEndpoints.LiveTag]);
        return builder;
    }

    /// <summary>Registers <see cref="ServiceEndpointResolver"/> (HttpClients from IHttpClientFactory use it automatically).</summary>
    /// <param name="services">The service collection.</param>
    /// <returns>The same collection.</returns>
    public static IServiceCollection AddServiceDiscovery(this IServiceCollection services)
    {
        services.TryAddSingleton<ServiceEndpointResolver>();
        return services;
    }

    /// <summary>Registers <see cref="HttpResiliencePipelines"/> with validated <see cref="HttpResilienceOptions"/>.</summary>
    /// <param name="services">The service collection.</param>
    /// <returns>The same collection.</returns>
    public static IServiceCollection AddHttpResilience(this IServiceCollection services)
    {
        services.AddOptions<HttpResilienceOptions>().BindConfiguration(HttpResilienceOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<HttpResiliencePipelines>();
        return services;
    }

    /// <summary>
    /// Listens on <paramref name="urls"/> unless an address is configured some other way (<c>--urls</c>,
    /// <c>ASPNETCORE_URLS</c>, <c>Urls</c>, <c>HTTP_PORTS</c> or <c>Kestrel:Endpoints</c>), so that a service started
    /// with no configuration has a well-known address while orchestrators stay free to choose.
    /// </summary>
    /// <param name="builder">The web application builder.</param>
    /// <param name="urls">Semicolon-separated default addresses.</param>
    /// <returns>The same builder.</returns>
    public static WebApplicationBuilder UseDefaultUrls(this WebApplicationBuilder builder, string urls)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var configured = builder.Configuration["urls"] is { Length: > 0 }
            || builder.Configuration["http_ports"] is { Length: > 0 }
            || builder.Configuration["https_ports"] is { Length: > 0 }
            || builder.Configuration.GetSection("Kestrel:Endpoints").Exists();
        if (!configured)
        {
            builder.WebHost.UseUrls(urls);
        }

        return builder;
    }

    /// <summary>Maps <c>/health</c> (all checks must pass) and <c>/alive</c> (liveness checks only).</summary>
    /// <param name="app">The web application.</param>
    /// <returns>The same application.</returns>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        HealthEndpoints.Map(app);
        return app;
    }
}
