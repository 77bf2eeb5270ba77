using Microsoft.Extensions.Configuration;
using OpenTelemetry.Exporter;

namespace Collab.ServiceDefaults.Telemetry;

/// <summary>
/// The standard OpenTelemetry environment variables (the ones Aspire sets for each resource), read through
/// <see cref="IConfiguration"/> so they may also come from appsettings or the command line.
/// </summary>
internal sealed record OtlpSettings(
    Uri Endpoint,
    OtlpExportProtocol Protocol,
    string? Headers,
    int MetricExportIntervalMilliseconds,
    int TraceExportDelayMilliseconds)
{
    public static OtlpSettings? From(IConfiguration configuration)
    {
        var endpoint = configuration["OTEL_EXPORTER_OTLP_ENDPOINT"];
        if (string.IsNullOrWhiteSpace(endpoint))
        {
            return null;
        }

        if (!Uri.TryCreate(endpoint, UriKind.Absolute, out var uri))
        {
            throw new InvalidOperationException($"OTEL_EXPORTER_OTLP_ENDPOINT '{endpoint}' is not an absolute URI.");
        }

        var protocol = configuration["OTEL_EXPORTER_OTLP_PROTOCOL"] switch
        {
            null or "" or "grpc" => OtlpExportProtocol.Grpc,
            "http/protobuf" => OtlpExportProtocol.HttpProtobuf,
            var other => throw new InvalidOperationException($"OTEL_EXPORTER_OTLP_PROTOCOL '{other}' is not supported (use grpc or http/protobuf)."),
        };

        return new OtlpSettings(
            uri,
            protocol,
            configuration["OTEL_EXPORTER_OTLP_HEADERS"],
            ReadMilliseconds(configuration, "OTEL_METRIC_EXPORT_INTERVAL", 60_000),
            ReadMilliseconds(configuration, "OTEL_BSP_SCHEDULE_DELAY", 5_000));
    }

    /// <summary>Applies the settings to one signal's exporter (the signal path is added for http/protobuf).</summary>
    public void Apply(OtlpExporterOptions options, string signalPath)
    {
        options.Protocol = Protocol;
        // Set in code, the http/protobuf endpoint is used as-is, so the per-signal path is added here,
        // as the exporter itself does when it reads the environment variable.
        options.Endpoint = Protocol == OtlpExportProtocol.HttpProtobuf
            ? new Uri(Endpoint.AbsoluteUri.TrimEnd('/') + signalPath)
            : Endpoint;
        if (!string.IsNullOrWhiteSpace(Headers))
        {
            options.Headers = Headers;
        }
    }

    private static int ReadMilliseconds(IConfiguration configuration, string key, int fallback) =>
        int.TryParse(configuration[key], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var value) && value > 0
            ? value
            : fallback;
}
