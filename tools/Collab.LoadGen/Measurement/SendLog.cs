namespace Collab.LoadGen.Measurement;

/// <summary>One insert a client sent: its first clock, when it was handed to the socket, and whether it counts.</summary>
internal readonly record struct SendEntry(long Clock, long Timestamp, bool Measured);

/// <summary>
/// The inserts one client sent, in clock order. Receivers identify delivered inserts by the clock range a received
/// update covers for that client (the server may merge or batch broadcasts), never by comparing bytes.
/// </summary>
internal sealed class SendLog
{
    private readonly Lock _lock = new();
    private SendEntry[] _entries = new SendEntry[64];
    private int _count;

    public void Append(long clock, long timestamp, bool measured)
    {
        lock (_lock)
        {
            if (_count == _entries.Length)
            {
                Array.Resize(ref _entries, _entries.Length * 2);
            }

            _entries[_count++] = new SendEntry(clock, timestamp, measured);
        }
    }

    /// <summary>
    /// Marks every insert that starts below <paramref name="endClock"/> and lies at or after the receiver's
    /// <paramref name="cursor"/> as delivered at <paramref name="now"/> (through another replica when
    /// <paramref name="crossReplica"/>).
    /// </summary>
    public void Deliver(ref int cursor, long endClock, long now, DeliverySink sink, bool crossReplica)
    {
        lock (_lock)
        {
            while (cursor < _count && _entries[cursor].Clock < endClock)
            {
                sink.Delivered(_entries[cursor], now, crossReplica);
                cursor++;
            }
        }
    }

    /// <summary>Measured inserts at or after <paramref name="cursor"/>: sent but never received by that receiver.</summary>
    public int MeasuredFrom(int cursor)
    {
        lock (_lock)
        {
            var missing = 0;
            for (var i = cursor; i < _count; i++)
            {
                if (_entries[i].Measured)
                {
                    missing++;
                }
            }

            return missing;
        }
    }
}
