namespace Collab.AppHost;

/// <summary>What the AppHost starts.</summary>
/// <param name="Replicas">SyncServer replicas behind the one endpoint.</param>
/// <param name="Port">Port of the one endpoint (0: a free port).</param>
/// <param name="Kafka">Start a Kafka test cluster and give every service its address.</param>
/// <param name="ShowServiceOutput">Echo the services' own output, prefixed with their names.</param>
internal sealed record AppHostOptions(int Replicas, int Port, bool Kafka, bool ShowServiceOutput);
