using Collab.LoadGen.Clients;
using Collab.LoadGen.Measurement;
using Collab.LoadGen.Reports;

namespace Collab.LoadGen.Scenarios;

/// <summary>
/// The figures a multi-replica run adds: fan-out to receivers on the sender's replica ("local") and on another
/// replica ("cross-replica") separately, with how many of the expected deliveries arrived, and the CPU and memory
/// of the broker the replicas relay through.
/// </summary>
internal static class ReplicaFigures
{
    public static void AddFanOut(ScenarioResult result, IReadOnlyList<SyncClient> clients, int replicas)
    {
        var (localLost, crossLost) = (0L, 0L);
        foreach (var client in clients)
        {
            var (local, cross) = client.UndeliveredByReplica();
            (localLost, crossLost) = (localLost + local, crossLost + cross);
        }

        result.Add("replicas", replicas, "0");
        Add(result, "local", new Percentiles(clients.Select(c => c.Sink.LocalLatenciesMicroseconds)), localLost);
        Add(result, "cross-replica", new Percentiles(clients.Select(c => c.Sink.CrossLatenciesMicroseconds)), crossLost);
    }

    /// <param name="result">Where the figures go.</param>
    /// <param name="before">The broker at the window's start.</param>
    /// <param name="after">The broker at the window's end.</param>
    /// <param name="window">The window's length in seconds.</param>
    /// <param name="serverCpu">The servers' CPU seconds in the window.</param>
    /// <param name="delivered">Deliveries received in the window.</param>
    public static void AddBroker(ScenarioResult result, ProcessSample? before, ProcessSample? after, double window, double? serverCpu, long delivered)
    {
        var cpu = before is { } b && after is { } a ? a.CpuSeconds - b.CpuSeconds : (double?)null;
        result
            .Add("broker CPU time in window (s)", cpu, "0.00")
            .Add("broker CPU (% of one core)", cpu / window * 100, "0")
            .Add("broker RSS at end of window (MiB)", after?.RssBytes / 1048576.0, "0")
            .Add("servers + broker CPU per delivered update (µs)", delivered > 0 ? (serverCpu + cpu) / delivered * 1e6 : null, "0.0");
    }

    private static void Add(ScenarioResult result, string kind, Percentiles latencies, long lost)
    {
        var expected = latencies.Count + lost;
        result
            .Add($"{kind} fan-out latency p50 (ms)", latencies.Milliseconds(50), "0.00")
            .Add($"{kind} fan-out latency p99 (ms)", latencies.Milliseconds(99), "0.00")
            .Add($"{kind} fan-out latency max (ms)", latencies.MaxMilliseconds, "0.00")
            .Add($"{kind} deliveries", latencies.Count, "0")
            .Add($"{kind} deliveries lost", lost, "0")
            .Add($"{kind} deliveries arrived (%)", expected > 0 ? 100.0 * latencies.Count / expected : null, "0.000");
    }
}
