using System.Net;
using System.Text.Json;
using Collab.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;

namespace Collab.Tests.ServiceDefaults;

public sealed class HealthEndpointTests
{
    [Fact]
    public async Task HealthAndAliveAnswerOkWhenEveryCheckPasses()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var app = await LoopbackApp.StartAsync(b => b.AddServiceDefaults(), a => a.MapDefaultEndpoints(), cancellationToken: ct);
        using var client = new HttpClient { BaseAddress = app.Address };

        var health = await client.GetAsync("/health", ct);
        var alive = await client.GetAsync("/alive", ct);

        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal(HttpStatusCode.OK, alive.StatusCode);
        using var report = JsonDocument.Parse(await health.Content.ReadAsStringAsync(ct));
        Assert.Equal("Healthy", report.RootElement.GetProperty("status").GetString());
        Assert.Equal("Healthy", report.RootElement.GetProperty("checks").GetProperty("self").GetProperty("status").GetString());
    }

    [Fact]
    public async Task HealthTurnsUnhealthyWhenACheckFailsWhileAliveStaysOk()
    {
        var ct = TestContext.Current.CancellationToken;
        var storageUp = true;
        await using var app = await LoopbackApp.StartAsync(
            b =>
            {
                b.AddServiceDefaults();
                b.Services.AddHealthChecks().AddCheck("storage", () => storageUp
                    ? HealthCheckResult.Healthy()
                    : HealthCheckResult.Unhealthy("storage unreachable"));
            },
            a => a.MapDefaultEndpoints(),
            cancellationToken: ct);
        using var client = new HttpClient { BaseAddress = app.Address };
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health", ct)).StatusCode);

        storageUp = false;
        var health = await client.GetAsync("/health", ct);
        var alive = await client.GetAsync("/alive", ct);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
        Assert.Equal(HttpStatusCode.OK, alive.StatusCode);
        using var report = JsonDocument.Parse(await health.Content.ReadAsStringAsync(ct));
        var storage = report.RootElement.GetProperty("checks").GetProperty("storage");
        Assert.Equal("Unhealthy", storage.GetProperty("status").GetString());
        Assert.Equal("storage unreachable", storage.GetProperty("description").GetString());
    }

    [Fact]
    public async Task AFailingLivenessCheckTurnsAliveUnhealthy()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var app = await LoopbackApp.StartAsync(
            b =>
            {
                b.AddServiceDefaults();
                b.Services.AddHealthChecks().AddCheck("event-loop", () => HealthCheckResult.Unhealthy("stalled"), ["live"]);
            },
            a => a.MapDefaultEndpoints(),
            cancellationToken: ct);
        using var client = new HttpClient { BaseAddress = app.Address };

        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await client.GetAsync("/alive", ct)).StatusCode);
    }
}
