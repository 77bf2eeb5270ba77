using System.Diagnostics;
using System.Globalization;
using Collab.LoadGen.Measurement;

namespace Collab.LoadGen.Scenarios;

/// <summary>Prints a progress line every few seconds: phase, connected clients, sent/delivered per second, errors, server CPU and RSS.</summary>
internal sealed class ProgressReporter(RunMetrics metrics, int? serverPid, TextWriter log, TimeSpan interval)
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
        var lastServer = ProcessSample.Read(serverPid);
        var lastTime = Stopwatch.GetTimestamp();
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                var now = Stopwatch.GetTimestamp();
                var seconds = ProcessSample.SecondsBetween(lastTime, now);
                var sent = metrics.Sent;
                var delivered = metrics.Delivered;
                var server = ProcessSample.Read(serverPid);
                var serverText = server is { } s && lastServer is { } l
                    ? string.Create(CultureInfo.InvariantCulture, $" | server cpu {(s.CpuSeconds - l.CpuSeconds) / seconds * 100:0}% rss {s.RssBytes / 1048576.0:0} MiB")
                    : "";
                log.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"[{ProcessSample.SecondsBetween(_started, now),6:0.0}s] {Phase,-8} | clients {metrics.Connected} | sent {(sent - lastSent) / seconds:0}/s | delivered {(delivered - lastDelivered) / seconds:0}/s | errors {metrics.Errors.Total}{serverText} | load {LoadAverage.Read()}"));
                (lastSent, lastDelivered, lastServer, lastTime) = (sent, delivered, server, now);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}
