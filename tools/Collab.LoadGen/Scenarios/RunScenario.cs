using System.Diagnostics;
using Collab.LoadGen.Clients;
using Collab.LoadGen.Measurement;
using Collab.LoadGen.Reports;

namespace Collab.LoadGen.Scenarios;

/// <summary>
/// Editing load: connect all clients, insert at the target rate through a warm-up, then measure for the given
/// duration (fan-out latency of inserts sent in the window, deliveries received in the window, server CPU and RSS
/// between the window's edges), then let in-flight updates drain.
/// </summary>
internal static class RunScenario
{
    public static async Task<ScenarioResult> ExecuteAsync(ServerTarget target, RunSettings settings, TextWriter log, CancellationToken cancellationToken)
    {
        var metrics = new RunMetrics();
        var runId = Guid.NewGuid().ToString("N")[..8];
        var random = new Random();
        await using var fleet = new ClientFleet(metrics);
        for (var d = 0; d < settings.Documents; d++)
        {
            // client k of document d on replica (k + d) mod N: every document has clients on several replicas
            var group = new DocumentGroup($"loadgen-{runId}-{d}", settings.ClientsPerDocument, random, target.Replicas.Count, firstReplica: d);
            for (var i = 0; i < settings.ClientsPerDocument; i++)
            {
                fleet.Add(new SyncClient(group, i, metrics, settings.Client));
            }
        }

        var reporter = new ProgressReporter(metrics, target, log, settings.ReportInterval);
        using var stopReporting = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var reporting = reporter.RunAsync(stopReporting.Token);

        var where = target.Replicas.Count == 1 ? target.WebSocketUri.ToString() : $"{target.Replicas.Count} replicas ({string.Join(", ", target.Replicas)})";
        log.WriteLine($"{target.Name}: connecting {fleet.Clients.Count} clients ({settings.Documents} documents × {settings.ClientsPerDocument}) to {where}");
        var connectTime = await fleet.ConnectAllAsync(target.Replicas, settings.ConnectConcurrency, cancellationToken);
        log.WriteLine($"{target.Name}: {metrics.Connected}/{fleet.Clients.Count} clients synced in {connectTime.TotalSeconds:0.0} s");

        if (metrics.Connected == 0)
        {
            await stopReporting.CancelAsync();
            await reporting;
            return new ScenarioResult(target.Name) { Failure = $"no client connected: {metrics.Errors.Summary()}", ErrorCount = metrics.Errors.Total };
        }

        reporter.Phase = "warm-up";
        using var stopSending = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var senders = fleet.Synced.Select(client => SendLoopAsync(client, settings, metrics, stopSending.Token)).ToList();
        await Task.Delay(settings.Warmup, cancellationToken);

        var selfBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var before = ProcessSample.Sum(target.ProcessIds);
        var brokerBefore = ProcessSample.Read(target.Broker?.ProcessId);
        var windowStart = Stopwatch.GetTimestamp();
        metrics.WindowStart = windowStart;
        metrics.Measuring = true;
        reporter.Phase = "measure";
        await Task.Delay(settings.Duration, cancellationToken);
        metrics.Measuring = false;
        var windowEnd = Stopwatch.GetTimestamp();
        var after = ProcessSample.Sum(target.ProcessIds);
        var brokerAfter = ProcessSample.Read(target.Broker?.ProcessId);
        var selfAfter = Process.GetCurrentProcess().TotalProcessorTime;

        reporter.Phase = "drain";
        await stopSending.CancelAsync();
        await Task.WhenAll(senders);
        await DrainAsync(metrics, settings.Drain, cancellationToken);
        await stopReporting.CancelAsync();
        await reporting;

        var window = ProcessSample.SecondsBetween(windowStart, windowEnd);
        var latencies = new Percentiles(fleet.Clients.Select(c => c.Sink.LatenciesMicroseconds));
        var acknowledgements = new Percentiles(fleet.Clients.Select(c => c.Sink.AckLatenciesMicroseconds));
        if (settings.Timeline)
        {
            LatencyTimeline.Write(fleet.Clients.Select(c => c.Sink), target.Name, log);
        }

        var undelivered = fleet.Clients.Sum(c => c.Undelivered());
        metrics.Errors.Add("undelivered within the drain time (timeouts)", undelivered);
        foreach (var line in fleet.Clients.SelectMany(c => c.DescribeUndelivered()).Take(10))
        {
            log.WriteLine($"{target.Name}: undelivered: {line}");
        }

        var cpu = before is { } b && after is { } a ? a.CpuSeconds - b.CpuSeconds : (double?)null;
        var delivered = metrics.WindowDelivered;

        var result = new ScenarioResult(target.Name)
            .Add("clients synced", metrics.Connected, "0")
            .Add("connect + sync time (s)", connectTime.TotalSeconds, "0.0")
            .Add("inserts sent /s", metrics.MeasuredSent / window, "0")
            .Add("inserts sent (total, warm-up included)", metrics.Sent, "0")
            .Add("updates delivered /s", delivered / window, "0")
            .Add("fan-out latency p50 (ms)", latencies.Milliseconds(50), "0.00")
            .Add("fan-out latency p95 (ms)", latencies.Milliseconds(95), "0.00")
            .Add("fan-out latency p99 (ms)", latencies.Milliseconds(99), "0.00")
            .Add("fan-out latency max (ms)", latencies.MaxMilliseconds, "0.00")
            .Add("latency samples", latencies.Count, "0");
        if (target.Replicas.Count > 1)
        {
            ReplicaFigures.AddFanOut(result, fleet.Clients, target.Replicas.Count);
        }

        result
            .Add("acknowledgement (SyncStatus) latency p50 (ms)", acknowledgements.Milliseconds(50), "0.00")
            .Add("acknowledgement (SyncStatus) latency p99 (ms)", acknowledgements.Milliseconds(99), "0.00")
            .Add("acknowledgement samples", acknowledgements.Count, "0")
            .Add("undelivered (timeouts)", undelivered, "0")
            .Add("server CPU time in window (s)", cpu, "0.00")
            .Add("server CPU (% of one core)", cpu / window * 100, "0")
            .Add("server CPU per delivered update (µs)", delivered > 0 ? cpu / delivered * 1e6 : null, "0.0")
            .Add("server RSS at end of window (MiB)", after?.RssBytes / 1048576.0, "0")
            .Add("load generator CPU (% of one core)", (selfAfter - selfBefore).TotalSeconds / window * 100, "0");
        if (target.Broker is not null)
        {
            ReplicaFigures.AddBroker(result, brokerBefore, brokerAfter, window, cpu, delivered);
        }

        result.Add("errors", metrics.Errors.Total, "0");
        result.ErrorCount = metrics.Errors.Total;
        result.ErrorSummary = metrics.Errors.Summary();
        log.WriteLine($"{target.Name}: closing {fleet.Clients.Count} clients");
        return result;
    }

    private static async Task SendLoopAsync(SyncClient client, RunSettings settings, RunMetrics metrics, CancellationToken cancellationToken)
    {
        var interval = (long)(Stopwatch.Frequency / settings.Rate);
        var next = Stopwatch.GetTimestamp() + (long)(Random.Shared.NextDouble() * interval);
        var letter = 0;
        try
        {
            while (!cancellationToken.IsCancellationRequested && client.IsOpen)
            {
                var wait = next - Stopwatch.GetTimestamp();
                if (wait > 0)
                {
                    await Task.Delay(TimeSpan.FromSeconds((double)wait / Stopwatch.Frequency), cancellationToken);
                }

                await client.SendInsertAsync(new string((char)('a' + (letter++ % 26)), settings.InsertLength), cancellationToken);
                next += interval;
                // Fell far behind (the generator itself is saturated): do not burst to catch up.
                var now = Stopwatch.GetTimestamp();
                if (now - next > 5 * interval)
                {
                    next = now;
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return;
        }
        catch (Exception error) when (error is not OperationCanceledException)
        {
            metrics.Errors.Add($"send failed: {error.GetType().Name} ({error.Message})");
            return;
        }

        if (!cancellationToken.IsCancellationRequested)
        {
            metrics.Errors.Add($"sending stopped: socket {client.State}");
        }
    }

    private static async Task DrainAsync(RunMetrics metrics, TimeSpan drain, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(drain.TotalSeconds * Stopwatch.Frequency);
        while (metrics.MeasuredDelivered < metrics.ExpectedMeasuredDeliveries && Stopwatch.GetTimestamp() < deadline)
        {
            await Task.Delay(50, cancellationToken);
        }
    }
}
