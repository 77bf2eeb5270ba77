using Collab.ServiceDefaults.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Microsoft.Extensions.Hosting;

/// <summary>OpenTelemetry traces, metrics and logs for Collab services.</summary>
public static class TelemetryExtensions
{
    /// <summary>
    /// Exports traces, metrics and logs over OTLP when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is configured
    /// (protocol from <c>OTEL_EXPORTER_OTLP_PROTOCOL</c>, default grpc; headers from <c>OTEL_EXPORTER_OTLP_HEADERS</c>;
    /// service name from <c>OTEL_SERVICE_NAME</c>, else the application name; extra resource attributes from
    /// <c>OTEL_RESOURCE_ATTRIBUTES</c>). Sources and meters: <see cref="CollabTelemetry"/>. Without an endpoint
    /// nothing is collected, so an unobserved service pays nothing.
    /// </summary>
    /// <param name="builder">The application builder.</param>
    /// <returns>The same builder.</returns>
    public static TBuilder ConfigureOpenTelemetry<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        var settings = OtlpSettings.From(builder.Configuration);
        if (settings is null)
        {
            return builder;
        }

        var serviceName = builder.Configuration["OTEL_SERVICE_NAME"] is { Length: > 0 } name ? name : builder.Environment.ApplicationName;
        var resourceAttributes = builder.Configuration["OTEL_RESOURCE_ATTRIBUTES"];
        ResourceBuilder Resource()
        {
            var resource = ResourceBuilder.CreateDefault().AddService(serviceName, serviceInstanceId: Environment.MachineName + ":" + Environment.ProcessId);
            return resource.AddAttributes(ParseAttributes(resourceAttributes));
        }

        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
            logging.SetResourceBuilder(Resource());
            logging.AddOtlpExporter(options => settings.Apply(options, "/v1/logs"));
        });

        builder.Services.AddHostedService(_ => new TelemetryHostedService(
            () => Sdk.CreateTracerProviderBuilder()
                .SetResourceBuilder(Resource())
                .AddSource([.. CollabTelemetry.ActivitySources])
                .AddProcessor(new HealthProbeFilter())
                .AddOtlpExporter(options =>
                {
                    settings.Apply(options, "/v1/traces");
                    options.BatchExportProcessorOptions.ScheduledDelayMilliseconds = settings.TraceExportDelayMilliseconds;
                })
                .Build(),
            () => Sdk.CreateMeterProviderBuilder()
                .SetResourceBuilder(Resource())
                .AddMeter([.. CollabTelemetry.Meters])
                .AddOtlpExporter((options, reader) =>
                {
                    settings.Apply(options, "/v1/metrics");
                    reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = settings.MetricExportIntervalMilliseconds;
                })
                .Build()));
        return builder;
    }

    private static IEnumerable<KeyValuePair<string, object>> ParseAttributes(string? text)
    {
        foreach (var pair in (text ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var separator = pair.IndexOf('=', StringComparison.Ordinal);
            if (separator > 0)
            {
                yield return new(pair[..separator].Trim(), Uri.UnescapeDataString(pair[(separator + 1)..].Trim()));
            }
        }
    }
}
