using System.Net.WebSockets;
using System.Threading.Channels;
using Collab.SyncServer.Telemetry;

namespace Collab.SyncServer.Connections;

/// <summary>
/// The bounded outgoing queue of one WebSocket. Enqueueing never waits: broadcasts to thousands of sockets cost
/// one queue append each, and a socket whose backlog exceeds the limits is closed (1013) instead of slowing anyone.
/// A single loop writes the queue to the socket, then the close frame.
/// </summary>
internal sealed class SocketSender
{
    private readonly WebSocket _socket;
    private readonly int _maxBytes;
    private readonly int _maxMessages;
    private readonly Action _onOverflow;
    private readonly Channel<byte[]> _queue = Channel.CreateUnbounded<byte[]>(new() { SingleReader = true });
    private readonly CancellationTokenSource _abort = new();
    private long _bytes;
    private int _messages;
    private int _closing;
    private (int Code, string Reason)? _close;
    private bool _discard;

    public SocketSender(WebSocket socket, int maxBytes, int maxMessages, Action onOverflow)
    {
        _socket = socket;
        _maxBytes = maxBytes;
        _maxMessages = maxMessages;
        _onOverflow = onOverflow;
        Completion = Task.Run(LoopAsync);
    }

    /// <summary>Ends when the queue was written and the close frame sent (or the socket failed).</summary>
    public Task Completion { get; }

    public bool TrySend(byte[] message)
    {
        if (Volatile.Read(ref _closing) != 0)
        {
            return false;
        }

        var bytes = Interlocked.Add(ref _bytes, message.Length);
        var count = Interlocked.Increment(ref _messages);
        if (bytes > _maxBytes || count > _maxMessages)
        {
            _onOverflow();
            return false;
        }

        return _queue.Writer.TryWrite(message);
    }

    /// <summary>Stops accepting messages; sends what is queued (unless <paramref name="discardQueued"/>) and then the close frame.</summary>
    public void Close(int code, string reason, bool discardQueued)
    {
        if (Interlocked.Exchange(ref _closing, 1) != 0)
        {
            return;
        }

        _close = (code, reason);
        _discard = discardQueued;
        _queue.Writer.TryComplete();
    }

    /// <summary>Closes and waits for the close frame; aborts the socket when that takes longer than <paramref name="timeout"/> (a client that does not read).</summary>
    public async Task CloseAsync(int code, string reason, bool discardQueued, TimeSpan timeout)
    {
        Close(code, reason, discardQueued);
        if (await Task.WhenAny(Completion, Task.Delay(timeout)).ConfigureAwait(false) != Completion)
        {
            await _abort.CancelAsync().ConfigureAwait(false);
            _socket.Abort();
        }
    }

    private async Task LoopAsync()
    {
        try
        {
            await foreach (var message in _queue.Reader.ReadAllAsync().ConfigureAwait(false))
            {
                Interlocked.Add(ref _bytes, -message.Length);
                Interlocked.Decrement(ref _messages);
                if (_discard)
                {
                    continue;
                }

                await _socket.SendAsync(message, WebSocketMessageType.Binary, true, _abort.Token).ConfigureAwait(false);
                SyncServerTelemetry.MessagesOut.Add(1);
                SyncServerTelemetry.BytesOut.Add(message.Length);
            }

            if (_close is { } close && _socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                await _socket.CloseOutputAsync((WebSocketCloseStatus)close.Code, Truncate(close.Reason), _abort.Token).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException or IOException)
        {
            // the peer went away or the socket was aborted; the receive loop notices too
        }
    }

    private static string Truncate(string reason)
    {
        // a close frame carries at most 123 bytes of reason
        if (System.Text.Encoding.UTF8.GetByteCount(reason) <= 123)
        {
            return reason;
        }

        var end = Math.Min(reason.Length, 120);
        while (System.Text.Encoding.UTF8.GetByteCount(reason.AsSpan(0, end)) > 123)
        {
            end--;
        }

        return reason[..end];
    }
}
