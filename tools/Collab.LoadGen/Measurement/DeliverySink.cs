using System.Diagnostics;

namespace Collab.LoadGen.Measurement;

/// <summary>What one receiving client records about the inserts of others it received (single-threaded use).</summary>
internal sealed class DeliverySink(RunMetrics metrics)
{
    private readonly List<int> _latenciesMicroseconds = [];
    private readonly List<int> _sentSecond = [];
    private readonly List<int> _ackLatenciesMicroseconds = [];

    public IReadOnlyList<int> LatenciesMicroseconds => _latenciesMicroseconds;

    /// <summary>For each latency sample, the second of the measured window in which the insert was sent.</summary>
    public IReadOnlyList<int> SentSecond => _sentSecond;

    /// <summary>Send → SyncStatus times of the client's own measured inserts (the "saved" acknowledgement).</summary>
    public IReadOnlyList<int> AckLatenciesMicroseconds => _ackLatenciesMicroseconds;

    public void Acknowledged(long sentTimestamp, long now) =>
        _ackLatenciesMicroseconds.Add((int)Math.Min((now - sentTimestamp) * 1_000_000 / Stopwatch.Frequency, int.MaxValue));

    public void Delivered(in SendEntry entry, long now)
    {
        metrics.CountDelivery(entry.Measured);
        if (entry.Measured)
        {
            var micros = (now - entry.Timestamp) * 1_000_000 / Stopwatch.Frequency;
            _latenciesMicroseconds.Add((int)Math.Min(micros, int.MaxValue));
            _sentSecond.Add((int)((entry.Timestamp - metrics.WindowStart) / Stopwatch.Frequency));
        }
    }
}
