namespace Collab.SyncServer.Connections.WebSockets;

/// <summary>
/// The bytes all sockets together may hold in messages that are still arriving (<see cref="SyncServerOptions.MaxBufferedMessageBytes"/>).
/// A socket's buffer grows with the bytes that actually arrive, never from a length a frame header announces, and
/// each growth is taken from this budget; when it is spent, the socket that needed more is closed (1013, try again
/// later) instead of the process running out of memory. <see cref="Held"/> is exported as a metric.
/// </summary>
internal sealed class MessageBufferBudget(long limit)
{
    private long _held;

    /// <summary>Bytes held now in partial messages.</summary>
    public long Held => Interlocked.Read(ref _held);

    /// <summary>The limit (0 or less: none).</summary>
    public long Limit => limit;

    /// <summary>Takes <paramref name="bytes"/> from the budget; false (nothing taken) when that would exceed it.</summary>
    public bool TryTake(long bytes)
    {
        var now = Interlocked.Add(ref _held, bytes);
        if (limit > 0 && now > limit)
        {
            Interlocked.Add(ref _held, -bytes);
            return false;
        }

        Telemetry.SyncServerTelemetry.BufferedMessageBytes.Add(bytes);
        return true;
    }

    /// <summary>The budget <paramref name="options"/> configure (0: a quarter of the memory available to the process).</summary>
    public static MessageBufferBudget From(SyncServerOptions options) =>
        new(options.MaxBufferedMessageBytes > 0 ? options.MaxBufferedMessageBytes : GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 4);

    /// <summary>Gives back what <see cref="TryTake"/> took.</summary>
    public void Release(long bytes)
    {
        if (bytes > 0)
        {
            Interlocked.Add(ref _held, -bytes);
            Telemetry.SyncServerTelemetry.BufferedMessageBytes.Add(-bytes);
        }
    }
}
