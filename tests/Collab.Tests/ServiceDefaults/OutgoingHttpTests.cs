using System.Net;
using Collab.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Collab.Tests.ServiceDefaults;

public sealed class OutgoingHttpTests
{
    private static Task<LoopbackApp> StartReplicaAsync(string name, CancellationToken ct) =>
        LoopbackApp.StartAsync(_ => { }, app => app.MapGet("/whoami", () => name), cancellationToken: ct);

    private static Task<LoopbackApp> StartCallerAsync(Dictionary<string, string?> configuration, CancellationToken ct) =>
        LoopbackApp.StartAsync(b => b.AddServiceDefaults(), _ => { }, configuration, ct);

    [Fact]
    public async Task HttpClientsReachConfiguredServicesRoundRobin()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var first = await StartReplicaAsync("first", ct);
        await using var second = await StartReplicaAsync("second", ct);
        await using var caller = await StartCallerAsync(new()
        {
            ["services:persistence:http:0"] = first.Address.ToString(),
            ["services:persistence:http:1"] = second.Address.ToString(),
        }, ct);
        var client = caller.Services.GetRequiredService<IHttpClientFactory>().CreateClient("persistence");

        var answers = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            answers.Add(await client.GetStringAsync(new Uri("http://persistence/whoami"), ct));
        }

        // Microsoft.Extensions.ServiceDiscovery's round robin starts anywhere, then alternates.
        Assert.Equal(["first", "second"], answers.Take(2).Order());
        Assert.Equal(answers[..2], answers[2..]);
    }

    [Fact]
    public async Task TransientFailuresAreRetriedWithTheSameBody()
    {
        var ct = TestContext.Current.CancellationToken;
        var bodies = new List<string>();
        await using var flaky = await LoopbackApp.StartAsync(_ => { }, app => app.MapPost("/store", async (HttpRequest request) =>
        {
            using var reader = new StreamReader(request.Body);
            var body = await reader.ReadToEndAsync(ct);
            lock (bodies)
            {
                bodies.Add(body);
                return bodies.Count <= 2 ? Results.StatusCode(503) : Results.Text("stored " + body);
            }
        }), cancellationToken: ct);
        await using var caller = await StartCallerAsync(new()
        {
            ["services:persistence:http:0"] = flaky.Address.ToString(),
            ["Collab:HttpResilience:Retry:Delay"] = "00:00:00.010",
        }, ct);
        var client = caller.Services.GetRequiredService<IHttpClientFactory>().CreateClient();

        var response = await client.PostAsync(new Uri("http://persistence/store"), new StringContent("update-1"), ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("stored update-1", await response.Content.ReadAsStringAsync(ct));
        Assert.Equal(["update-1", "update-1", "update-1"], bodies);
    }

    [Fact]
    public async Task ClientErrorsAreNotRetried()
    {
        var ct = TestContext.Current.CancellationToken;
        var calls = 0;
        await using var server = await LoopbackApp.StartAsync(_ => { }, app => app.MapGet("/missing", () =>
        {
            Interlocked.Increment(ref calls);
            return Results.NotFound();
        }), cancellationToken: ct);
        await using var caller = await StartCallerAsync(new() { ["services:persistence:http:0"] = server.Address.ToString() }, ct);
        var client = caller.Services.GetRequiredService<IHttpClientFactory>().CreateClient();

        var response = await client.GetAsync(new Uri("http://persistence/missing"), ct);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(1, calls);
    }

    [Fact]
    public async Task ARetryAfterAFailedReplicaGoesToTheNextOne()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var broken = await LoopbackApp.StartAsync(_ => { }, app => app.MapGet("/whoami", () => Results.StatusCode(502)), cancellationToken: ct);
        await using var healthy = await StartReplicaAsync("healthy", ct);
        await using var caller = await StartCallerAsync(new()
        {
            ["services:persistence:http:0"] = broken.Address.ToString(),
            ["services:persistence:http:1"] = healthy.Address.ToString(),
            ["Collab:HttpResilience:Retry:Delay"] = "00:00:00.010",
        }, ct);
        var client = caller.Services.GetRequiredService<IHttpClientFactory>().CreateClient();

        Assert.Equal("healthy", await client.GetStringAsync(new Uri("http://persistence/whoami"), ct));
    }
}
