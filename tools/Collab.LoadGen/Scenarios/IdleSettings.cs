using Collab.LoadGen.Clients;

namespace Collab.LoadGen.Scenarios;

/// <summary>Idle connections: each authenticated and synced to one of <paramref name="Documents"/> documents, then held open.</summary>
internal sealed record IdleSettings(
    int Connections,
    int Documents,
    TimeSpan Settle,
    TimeSpan Hold,
    TimeSpan KeepAlive,
    int ConnectConcurrency,
    TimeSpan ReportInterval,
    ClientSettings Client);
