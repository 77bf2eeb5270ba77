using Microsoft.Extensions.Hosting;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Collab.ServiceDefaults.Telemetry;

/// <summary>
/// Owns the tracer and meter providers: builds them before the server starts listening (hosted services start
/// first) and flushes and disposes them when the host stops, so the last spans and metrics are exported.
/// </summary>
internal sealed class TelemetryHostedService(Func<TracerProvider> tracing, Func<MeterProvider> metrics) : IHostedService, IDisposable
{
    private TracerProvider? _tracerProvider;
    private MeterProvider? _meterProvider;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _tracerProvider = tracing();
        _meterProvider = metrics();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _tracerProvider?.ForceFlush(5_000);
        _meterProvider?.ForceFlush(5_000);
        Dispose();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        _tracerProvider?.Dispose();
        _meterProvider?.Dispose();
        _tracerProvider = null;
        _meterProvider = null;
    }
}
