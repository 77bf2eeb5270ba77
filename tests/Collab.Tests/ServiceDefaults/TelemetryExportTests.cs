using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Text;
using Collab.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Collab.Tests.ServiceDefaults;

public sealed partial class TelemetryExportTests
{
    private static readonly ActivitySource Source = new("Collab.TelemetryTest");
    private static readonly Meter Meter = new("Collab.TelemetryTest");
    private static readonly Counter<long> Work = Meter.CreateCounter<long>("collab.telemetry_test.work");

    [Fact]
    public async Task TracesMetricsAndLogsReachTheOtlpEndpoint()
    {
        var ct = TestContext.Current.CancellationToken;
        var received = new OtlpRecorder();
        await using var collector = await LoopbackApp.StartAsync(_ => { }, app => app.MapPost("/v1/{signal}", received.RecordAsync), cancellationToken: ct);
        await using var service = await LoopbackApp.StartAsync(
            b => b.AddServiceDefaults(),
            app =>
            {
                app.MapDefaultEndpoints();
                app.MapGet("/work", async (ILogger<TelemetryExportTests> logger, IHttpClientFactory clients, HttpContext context) =>
                {
                    using (Source.StartActivity("collab.telemetry_test.operation"))
                    {
                        Work.Add(1);
                        LogWorkDone(logger, "marker-7f3a");
                    }

                    var self = new Uri($"{context.Request.Scheme}://{context.Request.Host}/alive");
                    return await clients.CreateClient().GetStringAsync(self, context.RequestAborted);
                });
            },
            new Dictionary<string, string?>
            {
                ["OTEL_EXPORTER_OTLP_ENDPOINT"] = collector.Address.ToString(),
                ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
                ["OTEL_SERVICE_NAME"] = "telemetry-test-service",
                ["OTEL_METRIC_EXPORT_INTERVAL"] = "300",
                ["OTEL_BSP_SCHEDULE_DELAY"] = "100",
            },
            ct);
        using var client = new HttpClient { BaseAddress = service.Address };

        Assert.Contains("Healthy", await client.GetStringAsync("/work", ct), StringComparison.Ordinal);

        await received.WaitForAsync("traces", "collab.telemetry_test.operation", ct);
        await received.WaitForAsync("traces", "telemetry-test-service", ct);
        await received.WaitForAsync("traces", "Microsoft.AspNetCore", ct);
        await received.WaitForAsync("traces", "System.Net.Http", ct);
        await received.WaitForAsync("metrics", "collab.telemetry_test.work", ct);
        await received.WaitForAsync("metrics", "http.server.request.duration", ct);
        await received.WaitForAsync("metrics", "http.client.request.duration", ct);
        await received.WaitForAsync("metrics", "dotnet.gc.collections", ct);
        await received.WaitForAsync("logs", "marker-7f3a", ct);
    }

    [Fact]
    public async Task WithoutAnOtlpEndpointNothingIsCollected()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var service = await LoopbackApp.StartAsync(b => b.AddServiceDefaults(), app => app.MapDefaultEndpoints(), cancellationToken: ct);

        Assert.Null(service.Services.GetService<MeterProvider>());
        Assert.Null(service.Services.GetService<TracerProvider>());
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "work done {Marker}")]
    private static partial void LogWorkDone(ILogger logger, string marker);

    /// <summary>A fake OTLP/HTTP collector: keeps every protobuf body it gets, per signal.</summary>
    private sealed class OtlpRecorder
    {
        private readonly Lock _gate = new();
        private readonly Dictionary<string, StringBuilder> _bodies = [];
        private readonly SemaphoreSlim _arrived = new(0);

        public async Task<IResult> RecordAsync(string signal, HttpRequest request)
        {
            using var buffer = new MemoryStream();
            await request.Body.CopyToAsync(buffer, request.HttpContext.RequestAborted);
            lock (_gate)
            {
                // Protobuf keeps strings as raw UTF-8, so names can be found in the text view of the bytes.
                (_bodies.TryGetValue(signal, out var text) ? text : _bodies[signal] = new StringBuilder())
                    .Append(Encoding.UTF8.GetString(buffer.ToArray()));
            }

            _arrived.Release();
            return Results.Ok();
        }

        public async Task WaitForAsync(string signal, string text, CancellationToken cancellationToken)
        {
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
            while (!Contains(signal, text))
            {
                var left = deadline - DateTime.UtcNow;
                Assert.True(left > TimeSpan.Zero, $"'{text}' never reached the collector's {signal} endpoint");
                await _arrived.WaitAsync(left, cancellationToken);
            }
        }

        private bool Contains(string signal, string text)
        {
            lock (_gate)
            {
                return _bodies.TryGetValue(signal, out var body) && body.ToString().Contains(text, StringComparison.Ordinal);
            }
        }
    }
}
