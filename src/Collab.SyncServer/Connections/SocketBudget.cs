namespace Collab.SyncServer.Connections;

/// <summary>
/// The rate budget of one socket (<see cref="SyncServerOptions.SocketMessagesPerSecond"/>,
/// <see cref="SyncServerOptions.SocketBytesPerSecond"/>): two token buckets, messages and bytes, that refill at their
/// rate up to their burst. A socket that spends more does not get an error: its receive loop waits until the buckets
/// have refilled, so it is read no faster than its budget and TCP flow control pushes back on the client. An honest
/// burst (a paste, a reconnect syncing many documents) fits in the burst; a flood is slowed to the rate.
/// </summary>
internal sealed class SocketBudget
{
    private readonly double _messagesPerSecond;
    private readonly double _messageBurst;
    private readonly double _bytesPerSecond;
    private readonly double _byteBurst;
    private readonly TimeProvider _time;
    private double _messages;
    private double _bytes;
    private long _refilled;

    public SocketBudget(double messagesPerSecond, double messageBurst, double bytesPerSecond, double byteBurst, TimeProvider time)
    {
        (_messagesPerSecond, _messageBurst, _bytesPerSecond, _byteBurst, _time) = (messagesPerSecond, messageBurst, bytesPerSecond, byteBurst, time);
        (_messages, _bytes, _refilled) = (messageBurst, byteBurst, time.GetTimestamp());
    }

    /// <summary>A budget from the options, or null when both rates are 0 (off).</summary>
    public static SocketBudget? From(SyncServerOptions options, TimeProvider time) =>
        options.SocketMessagesPerSecond <= 0 && options.SocketBytesPerSecond <= 0
            ? null
            : new SocketBudget(
                options.SocketMessagesPerSecond, Math.Max(1, options.SocketMessageBurst),
                options.SocketBytesPerSecond, Math.Max(options.MaxMessageBytes, options.SocketByteBurst), time);

    /// <summary>Spends one message of <paramref name="bytes"/>; returns how long to wait before handling it (zero: at once).</summary>
    public TimeSpan Spend(int bytes)
    {
        var now = _time.GetTimestamp();
        var elapsed = _time.GetElapsedTime(_refilled, now).TotalSeconds;
        _refilled = now;
        var wait = 0.0;
        if (_messagesPerSecond > 0)
        {
            _messages = Math.Min(_messageBurst, _messages + (elapsed * _messagesPerSecond)) - 1;
            wait = Math.Max(wait, -_messages / _messagesPerSecond);
        }

        if (_bytesPerSecond > 0)
        {
            _bytes = Math.Min(_byteBurst, _bytes + (elapsed * _bytesPerSecond)) - bytes;
            wait = Math.Max(wait, -_bytes / _bytesPerSecond);
        }

        return wait > 0 ? TimeSpan.FromSeconds(wait) : TimeSpan.Zero;
    }
}
