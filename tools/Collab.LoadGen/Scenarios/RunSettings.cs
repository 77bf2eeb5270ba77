using Collab.LoadGen.Clients;

namespace Collab.LoadGen.Scenarios;

/// <summary>The editing load: documents × clients, each inserting at <paramref name="Rate"/> per second.</summary>
internal sealed record RunSettings(
    int Documents,
    int ClientsPerDocument,
    double Rate,
    TimeSpan Duration,
    TimeSpan Warmup,
    TimeSpan Drain,
    int InsertLength,
    int ConnectConcurrency,
    TimeSpan ReportInterval,
    ClientSettings Client)
{
    /// <summary>Print p50/p99/max latency per second of the window (by send time), to see stalls.</summary>
    public bool Timeline { get; init; }
}
