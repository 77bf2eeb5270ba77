using Collab.ServiceDefaults.Health;
using Collab.ServiceDefaults.Telemetry;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Collab's service defaults, in the shape of an Aspire ServiceDefaults project: one call gives a service
/// OpenTelemetry (traces, metrics and logs over OTLP), health checks, service discovery and the standard resilience
/// handler on every HttpClient.
/// </summary>
public static class Extensions
{
    /// <summary>Configuration section of the standard resilience handler's options (HttpStandardResilienceOptions).</summary>
    public const string HttpResilienceSection = "Collab:HttpResilience";

    /// <summary>
    /// Adds OpenTelemetry (<see cref="ConfigureOpenTelemetry{TBuilder}"/>), the default health checks, service discovery
    /// (Microsoft.Extensions.ServiceDiscovery: <c>http://persistence</c> resolves through <c>services:persistence:http:0</c>…)
    /// and, on every HttpClient, the standard resilience handler (Microsoft.Extensions.Http.Resilience) with its options
    /// bound from <see cref="HttpResilienceSection"/>.
    /// </summary>
    /// <param name="builder">The application builder.</param>
    /// <returns>The same builder.</returns>
    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.ConfigureOpenTelemetry();
        builder.AddDefaultHealthChecks();
        builder.Services.AddServiceDiscovery();
        var resilience = builder.Configuration.GetSection(HttpResilienceSection);
        builder.Services.ConfigureHttpClientDefaults(http =>
        {
            // Resilience outside discovery: every retry resolves again, so it may reach another replica.
            http.AddStandardResilienceHandler(resilience.Bind);
            http.AddServiceDiscovery();
        });
        return builder;
    }

    /// <summary>
    /// Traces, metrics and logs: Collab's own sources and meters (<see cref="CollabTelemetry.Wildcard"/>), ASP.NET Core
    /// (health probes left out), HttpClient and the runtime, exported over OTLP when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is
    /// configured (Aspire sets it for every resource); the other <c>OTEL_*</c> settings (protocol, headers, service name,
    /// resource attributes, export intervals) are read by the OpenTelemetry SDK itself. Unlike the Aspire template, nothing
    /// is collected without an endpoint: the sync server's per-message counters and histograms would be aggregated for
    /// nobody, on its hottest paths.
    /// </summary>
    /// <param name="builder">The application builder.</param>
    /// <returns>The same builder.</returns>
    public static TBuilder ConfigureOpenTelemetry<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            return builder;
        }

        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
        });

        builder.Services.AddOpenTelemetry()
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddMeter(CollabTelemetry.Wildcard))
            .WithTracing(tracing => tracing
                .AddSource(builder.Environment.ApplicationName, CollabTelemetry.Wildcard)
                .AddAspNetCoreInstrumentation(aspNetCore => aspNetCore.Filter = context => !HealthEndpoints.IsProbe(context.Request.Path))
                .AddHttpClientInstrumentation())
            .UseOtlpExporter();
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

    /// <summary>
    /// Maps <c>/health</c> (readiness: all checks must pass) and <c>/alive</c> (liveness checks only). Unlike the
    /// Aspire template, in every environment: orchestrators and load balancers probe them in production too; they
    /// reveal check names and states, nothing else.
    /// </summary>
    /// <param name="app">The web application.</param>
    /// <returns>The same application.</returns>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        HealthEndpoints.Map(app);
        return app;
    }
}
