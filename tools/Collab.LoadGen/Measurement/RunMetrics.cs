namespace Collab.LoadGen.Measurement;

/// <summary>Counters shared by all clients of one scenario run (updated with interlocked operations).</summary>
internal sealed class RunMetrics
{
    private long _connected;
    private long _sent;
    private long _delivered;
    private long _windowDelivered;
    private long _measuredSent;
    private long _expectedMeasuredDeliveries;
    private long _measuredDelivered;
    private long _acknowledged;
    private long _awarenessReceived;
    private volatile bool _measuring;

    public ErrorLog Errors { get; } = new();

    /// <summary>Stopwatch timestamp at which the measured window began.</summary>
    public long WindowStart { get; set; }

    /// <summary>True during the measured window: inserts sent now are measured, deliveries received now count.</summary>
    public bool Measuring
    {
        get => _measuring;
        set => _measuring = value;
    }

    public long Connected => Interlocked.Read(ref _connected);

    public long Sent => Interlocked.Read(ref _sent);

    public long Delivered => Interlocked.Read(ref _delivered);

    public long WindowDelivered => Interlocked.Read(ref _windowDelivered);

    public long MeasuredSent => Interlocked.Read(ref _measuredSent);

    public long ExpectedMeasuredDeliveries => Interlocked.Read(ref _expectedMeasuredDeliveries);

    public long MeasuredDelivered => Interlocked.Read(ref _measuredDelivered);

    public long Acknowledged => Interlocked.Read(ref _acknowledged);

    public long AwarenessReceived => Interlocked.Read(ref _awarenessReceived);

    public void CountConnected(int delta) => Interlocked.Add(ref _connected, delta);

    /// <summary>Counts one sent insert; returns whether it is measured.</summary>
    public bool CountSend(int receivers)
    {
        Interlocked.Increment(ref _sent);
        if (!_measuring)
        {
            return false;
        }

        Interlocked.Increment(ref _measuredSent);
        Interlocked.Add(ref _expectedMeasuredDeliveries, receivers);
        return true;
    }

    public void CountDelivery(bool measuredInsert)
    {
        Interlocked.Increment(ref _delivered);
        if (_measuring)
        {
            Interlocked.Increment(ref _windowDelivered);
        }

        if (measuredInsert)
        {
            Interlocked.Increment(ref _measuredDelivered);
        }
    }

    public void CountAcknowledged() => Interlocked.Increment(ref _acknowledged);

    public void CountAwareness() => Interlocked.Increment(ref _awarenessReceived);
}
