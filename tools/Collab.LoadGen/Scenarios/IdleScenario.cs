using Collab.LoadGen.Clients;
using Collab.LoadGen.Measurement;
using Collab.LoadGen.Reports;

namespace Collab.LoadGen.Scenarios;

/// <summary>
/// Memory per idle connection: server RSS before any connection (after settling), then with N connections
/// authenticated, synced and held open; (RSS with N − baseline) ÷ N.
/// </summary>
internal static class IdleScenario
{
    public static async Task<ScenarioResult> ExecuteAsync(ServerTarget target, IdleSettings settings, TextWriter log, CancellationToken cancellationToken)
    {
        var metrics = new RunMetrics();
        var runId = Guid.NewGuid().ToString("N")[..8];
        var random = new Random();
        await Task.Delay(settings.Settle, cancellationToken);
        var baseline = ProcessSample.Read(target.ProcessId);

        await using var fleet = new ClientFleet(metrics);
        var documents = Math.Clamp(settings.Documents, 1, settings.Connections);
        for (var d = 0; d < documents; d++)
        {
            var clients = settings.Connections / documents + (d < settings.Connections % documents ? 1 : 0);
            var group = new DocumentGroup($"idle-{runId}-{d}", clients, random);
            for (var i = 0; i < clients; i++)
            {
                fleet.Add(new SyncClient(group, i, metrics, settings.Client));
            }
        }

        var reporter = new ProgressReporter(metrics, target, log, settings.ReportInterval);
        using var stopReporting = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var reporting = reporter.RunAsync(stopReporting.Token);

        log.WriteLine($"{target.Name}: opening {settings.Connections} idle connections over {documents} documents to {target.WebSocketUri}");
        var connectTime = await fleet.ConnectAllAsync([target.WebSocketUri], settings.ConnectConcurrency, cancellationToken);
        log.WriteLine($"{target.Name}: {metrics.Connected}/{settings.Connections} connections synced in {connectTime.TotalSeconds:0.0} s");

        if (metrics.Connected == 0)
        {
            await stopReporting.CancelAsync();
            await reporting;
            return new ScenarioResult(target.Name) { Failure = $"no connection synced: {metrics.Errors.Summary()}", ErrorCount = metrics.Errors.Total };
        }

        using var stopKeepAlive = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var keepAlives = settings.KeepAlive > TimeSpan.Zero
            ? fleet.Synced.Select(client => KeepAliveLoopAsync(client, settings.KeepAlive, metrics, stopKeepAlive.Token)).ToList()
            : [];

        reporter.Phase = "settle";
        await Task.Delay(settings.Settle, cancellationToken);
        var settled = ProcessSample.Read(target.ProcessId);
        reporter.Phase = "hold";
        await Task.Delay(settings.Hold, cancellationToken);
        var held = ProcessSample.Read(target.ProcessId);
        await stopKeepAlive.CancelAsync();
        await Task.WhenAll(keepAlives);
        await stopReporting.CancelAsync();
        await reporting;

        var open = fleet.Clients.Count(c => c.IsOpen);
        var connected = metrics.Connected;
        double? PerConnectionKiB(ProcessSample? loaded) =>
            baseline is { } b && loaded is { } l && connected > 0 ? (l.RssBytes - b.RssBytes) / 1024.0 / connected : null;
        var holdSeconds = settled is { } s && held is { } h ? ProcessSample.SecondsBetween(s.Timestamp, h.Timestamp) : 0;

        var result = new ScenarioResult(target.Name)
            .Add("connections synced", connected, "0")
            .Add("connections open at end", open, "0")
            .Add("connect + sync time (s)", connectTime.TotalSeconds, "0.0")
            .Add("server RSS baseline (MiB)", baseline?.RssBytes / 1048576.0, "0.0")
            .Add("server RSS with connections (MiB)", held?.RssBytes / 1048576.0, "0.0")
            .Add("server memory per connection (KiB)", PerConnectionKiB(held), "0.0")
            .Add("server memory per connection after settle (KiB)", PerConnectionKiB(settled), "0.0")
            .Add("server CPU while idle (% of one core)", holdSeconds > 0 ? (held!.Value.CpuSeconds - settled!.Value.CpuSeconds) / holdSeconds * 100 : null, "0.0")
            .Add("errors", metrics.Errors.Total, "0");
        result.ErrorCount = metrics.Errors.Total;
        result.ErrorSummary = metrics.Errors.Summary();
        log.WriteLine($"{target.Name}: closing {fleet.Clients.Count} connections");
        return result;
    }

    private static async Task KeepAliveLoopAsync(SyncClient client, TimeSpan interval, RunMetrics metrics, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(interval * Random.Shared.NextDouble(), cancellationToken);
            using var timer = new PeriodicTimer(interval);
            do
            {
                if (client.IsOpen)
                {
                    await client.SendKeepAliveAsync(cancellationToken);
                }
            }
            while (await timer.WaitForNextTickAsync(cancellationToken));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (Exception error) when (error is System.Net.WebSockets.WebSocketException or ObjectDisposedException)
        {
            metrics.Errors.Add($"keep-alive send failed: {error.GetType().Name}");
        }
    }
}
