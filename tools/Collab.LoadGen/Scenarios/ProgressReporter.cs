using System.Diagnostics;
using System.Globalization;
using Collab.LoadGen.Measurement;

namespace Collab.LoadGen.Scenarios;

/// <summary>
/// Prints a progress line every few seconds: phase, connected clients, sent/delivered per second, errors, server CPU
/// and RSS (summed over the replicas), and the broker's CPU when the replicas share one.
/// </summary>
internal sealed class ProgressReporter(RunMetrics metrics, ServerTarget target, TextWriter log, TimeSpan interval)
{
    private readonly long _started = Stopwatch.GetTimestamp();
    private volatile string _phase = "connect";

    public string Phase
    {
        get => _phase;
        set => _phase = value;
    }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        if (interval <= TimeSpan.Zero)
        {
            return;
        }

        using var timer = new PeriodicTimer(interval);
        var lastSent = metrics.Sent;
        var lastDelivered = metrics.Delivered;
        var lastServer = ProcessSample.Sum(target.ProcessIds);
        var lastBroker = ProcessSample.Read(target.Broker?.ProcessId);
        var servers = target.ProcessIds.Count > 1 ? "servers" : "server";
        var lastTime = Stopwatch.GetTimestamp();
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                var now = Stopwatch.GetTimestamp();
                var seconds = ProcessSample.SecondsBetween(lastTime, now);
                var sent = metrics.Sent;
                var delivered = metrics.Delivered;
                var server = ProcessSample.Sum(target.ProcessIds);
                var broker = ProcessSample.Read(target.Broker?.ProcessId);
                var serverText = server is { } s && lastServer is { } l
                    ? string.Create(CultureInfo.InvariantCulture, $" | {servers} cpu {(s.CpuSeconds - l.CpuSeconds) / seconds * 100:0}% rss {s.RssBytes / 1048576.0:0} MiB")
                    : "";
                if (broker is { } b && lastBroker is { } lb)
                {
                    serverText += string.Create(CultureInfo.InvariantCulture, $" | {target.Broker!.Name} cpu {(b.CpuSeconds - lb.CpuSeconds) / seconds * 100:0}%");
                }

                log.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"[{ProcessSample.SecondsBetween(_started, now),6:0.0}s] {Phase,-8} | clients {metrics.Connected} | sent {(sent - lastSent) / seconds:0}/s | delivered {(delivered - lastDelivered) / seconds:0}/s | errors {metrics.Errors.Total}{serverText} | load {LoadAverage.Read()}"));
                (lastSent, lastDelivered, lastServer, lastBroker, lastTime) = (sent, delivered, server, broker, now);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}
