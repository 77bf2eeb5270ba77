using System.Diagnostics;

namespace Collab.LoadGen.Measurement;

/// <summary>What one receiving client records about the inserts of others it received (single-threaded use).</summary>
internal sealed class DeliverySink(RunMetrics metrics)
{
    private readonly List<int> _latenciesMicroseconds = [];
    private readonly List<int> _sentSecond = [];
    private readonly List<int> _ackLatenciesMicroseconds = [];
    private readonly List<int> _localLatenciesMicroseconds = [];
    private readonly List<int> _crossLatenciesMicroseconds = [];

    public IReadOnlyList<int> LatenciesMicroseconds => _latenciesMicroseconds;

    /// <summary>For each latency sample, the second of the measured window in which the insert was sent.</summary>
    public IReadOnlyList<int> SentSecond => _sentSecond;

    /// <summary>Send → SyncStatus times of the client's own measured inserts (the "saved" acknowledgement).</summary>
    public IReadOnlyList<int> AckLatenciesMicroseconds => _ackLatenciesMicroseconds;

    /// <summary>The latency samples of inserts whose sender is on the same replica as this client.</summary>
    public IReadOnlyList<int> LocalLatenciesMicroseconds => _localLatenciesMicroseconds;

    /// <summary>The latency samples of inserts whose sender is on another replica (relayed between replicas).</summary>
    public IReadOnlyList<int> CrossLatenciesMicroseconds => _crossLatenciesMicroseconds;

    public void Acknowledged(long sentTimestamp, long now) =>
        _ackLatenciesMicroseconds.Add((int)Math.Min((now - sentTimestamp) * 1_000_000 / Stopwatch.Frequency, int.MaxValue));

    public void Delivered(in SendEntry entry, long now, bool crossReplica)
    {
        metrics.CountDelivery(entry.Measured);
        if (entry.Measured)
        {
            var micros = (int)Math.Min((now - entry.Timestamp) * 1_000_000 / Stopwatch.Frequency, int.MaxValue);
            _latenciesMicroseconds.Add(micros);
            (crossReplica ? _crossLatenciesMicroseconds : _localLatenciesMicroseconds).Add(micros);
            _sentSecond.Add((int)((entry.Timestamp - metrics.WindowStart) / Stopwatch.Frequency));
        }
    }
}
