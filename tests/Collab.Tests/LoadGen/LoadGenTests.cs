using Collab.LoadGen.Clients;
using Collab.LoadGen.Scenarios;
using Collab.LoadGen.Servers;

namespace Collab.Tests.LoadGen;

public sealed class LoadGenTests
{
    [Fact]
    public async Task ShortRunAgainstHocuspocusDeliversEveryUpdateWithMeasuredLatency()
    {
        var ct = TestContext.Current.CancellationToken;
        var log = new StringWriter();
        var launch = new LaunchSettings(LaunchSettings.FindRepositoryRoot(), "Debug", null, TimeSpan.FromSeconds(60));
        await using var server = await ServerProcess.StartAsync(ServerKind.Hocuspocus, launch, log, ct);
        var settings = new RunSettings(
            Documents: 2,
            ClientsPerDocument: 2,
            Rate: 5,
            Duration: TimeSpan.FromSeconds(3),
            Warmup: TimeSpan.FromSeconds(1),
            Drain: TimeSpan.FromSeconds(10),
            InsertLength: 1,
            ConnectConcurrency: 4,
            ReportInterval: TimeSpan.FromSeconds(1),
            Client: new ClientSettings("token", ApplyMode.Each, Awareness: true, HandshakeTimeout: TimeSpan.FromSeconds(20)));

        var result = await RunScenario.ExecuteAsync(server.Target, settings, log, ct).WaitAsync(TimeSpan.FromSeconds(90), ct);

        Assert.True(result.ErrorCount == 0, $"errors: {result.ErrorSummary}\n{log}");
        Assert.Equal(4, result["clients synced"]);
        Assert.True(result["updates delivered /s"] > 0, log.ToString());
        Assert.True(result["latency samples"] > 0, log.ToString());
        Assert.True(result["fan-out latency p50 (ms)"] > 0);
        Assert.True(result["fan-out latency p99 (ms)"] >= result["fan-out latency p50 (ms)"]);
        Assert.Equal(0, result["undelivered (timeouts)"]);
        Assert.True(result["server CPU time in window (s)"] >= 0);
        Assert.True(result["server RSS at end of window (MiB)"] > 0);
    }

    [Fact]
    public async Task IdleRunAgainstHocuspocusHoldsEveryConnectionAndMeasuresMemoryPerConnection()
    {
        var ct = TestContext.Current.CancellationToken;
        var log = new StringWriter();
        var launch = new LaunchSettings(LaunchSettings.FindRepositoryRoot(), "Debug", null, TimeSpan.FromSeconds(60));
        await using var server = await ServerProcess.StartAsync(ServerKind.Hocuspocus, launch, log, ct);
        var settings = new IdleSettings(
            Connections: 20,
            Documents: 3,
            Settle: TimeSpan.FromSeconds(1),
            Hold: TimeSpan.FromSeconds(1),
            KeepAlive: TimeSpan.FromMilliseconds(500),
            ConnectConcurrency: 10,
            ReportInterval: TimeSpan.Zero,
            Client: new ClientSettings("token", ApplyMode.None, Awareness: false, HandshakeTimeout: TimeSpan.FromSeconds(20)));

        var result = await IdleScenario.ExecuteAsync(server.Target, settings, log, ct).WaitAsync(TimeSpan.FromSeconds(90), ct);

        Assert.True(result.ErrorCount == 0, $"errors: {result.ErrorSummary}\n{log}");
        Assert.Equal(20, result["connections synced"]);
        Assert.Equal(20, result["connections open at end"]);
        Assert.True(result["server RSS with connections (MiB)"] > 0);
        Assert.NotNull(result["server memory per connection (KiB)"]);
    }
}
