namespace Collab.LoadGen.Scenarios;

/// <summary>
/// Where the clients connect, and the server process whose CPU and memory are read (when known). With several
/// replicas, <see cref="Replicas"/> lists every replica's address and <see cref="ProcessIds"/> their processes
/// (<paramref name="WebSocketUri"/> and <paramref name="ProcessId"/> are the first's), and <see cref="Broker"/> is the
/// process they relay through.
/// </summary>
internal sealed record ServerTarget(string Name, Uri WebSocketUri, int? ProcessId)
{
    public IReadOnlyList<Uri> Replicas { get; init; } = [WebSocketUri];

    /// <summary>The server processes whose CPU time and RSS are summed.</summary>
    public IReadOnlyList<int?> ProcessIds { get; init; } = [ProcessId];

    public BrokerTarget? Broker { get; init; }
}

/// <summary>The process the replicas relay through: redis-server or the Kafka test cluster.</summary>
internal sealed record BrokerTarget(string Name, int ProcessId);
