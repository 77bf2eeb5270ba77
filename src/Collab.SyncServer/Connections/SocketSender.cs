using System.Net.WebSockets;
using Collab.SyncServer.Telemetry;

namespace Collab.SyncServer.Connections;

/// <summary>
/// The bounded outgoing queue of one WebSocket. Enqueueing never waits: broadcasts to thousands of sockets cost
/// one append each, and a socket whose backlog exceeds the limits is closed (1013) instead of slowing anyone.
/// </summary>
/// <remarks>
/// No task or thread per socket: when nothing is in flight, <see cref="TrySend"/> writes the frame on the caller's
/// thread, and Kestrel's output pipe accepts it synchronously unless the client reads slowly. Only then does a
/// continuation (on the thread pool) take over and drain what was queued meanwhile, in order, then the close frame.
/// An idle socket holds no buffer and no pending operation here.
/// </remarks>
internal sealed class SocketSender
{
    private readonly WebSocket _socket;
    private readonly int _maxBytes;
    private readonly int _maxMessages;
    private readonly Action _onOverflow;
    private readonly Lock _lock = new();
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Queue<byte[]>? _queue;
    private long _queuedBytes;
    private bool _sending;
    private bool _closing;
    private (int Code, string Reason)? _close;
    private bool _discard;

    public SocketSender(WebSocket socket, int maxBytes, int maxMessages, Action onOverflow)
    {
        _socket = socket;
        _maxBytes = maxBytes;
        _maxMessages = maxMessages;
        _onOverflow = onOverflow;
    }

    /// <summary>Ends when the queue was written and the close frame sent (or the socket failed).</summary>
    public Task Completion => _completion.Task;

    public bool TrySend(byte[] message)
    {
        var overflow = false;
        lock (_lock)
        {
            if (_closing)
            {
                return false;
            }

            if (!_sending)
            {
                _sending = true;
            }
            else if (_queuedBytes + message.Length <= _maxBytes && (_queue?.Count ?? 0) < _maxMessages)
            {
                (_queue ??= new Queue<byte[]>()).Enqueue(message);
                _queuedBytes += message.Length;
                return true;
            }
            else
            {
                // overflow: nothing more is accepted or sent; the socket is closed with a code below
                _closing = true;
                _discard = true;
                overflow = true;
            }
        }

        if (overflow)
        {
            _onOverflow();
            return false;
        }

        Pump(message);
        return true;
    }

    /// <summary>Stops accepting messages; sends what is queued (unless <paramref name="discardQueued"/>) and then the close frame.</summary>
    public void Close(int code, string reason, bool discardQueued)
    {
        lock (_lock)
        {
            if (_close is not null)
            {
                return;
            }

            _close = (code, reason);
            _closing = true;
            _discard |= discardQueued;
            if (_sending)
            {
                // the pump sends the close frame when it is done
                return;
            }

            _sending = true;
        }

        Pump(null);
    }

    /// <summary>Closes and waits for the close frame; aborts the socket when that takes longer than <paramref name="timeout"/> (a client that does not read).</summary>
    public async Task CloseAsync(int code, string reason, bool discardQueued, TimeSpan timeout)
    {
        Close(code, reason, discardQueued);
        if (await Task.WhenAny(Completion, Task.Delay(timeout)).ConfigureAwait(false) != Completion)
        {
            _socket.Abort();
            _completion.TrySetResult();
        }
    }

    /// <summary>Writes <paramref name="message"/> (unless null) and whatever is queued, synchronously while the socket accepts it.</summary>
    private void Pump(byte[]? message)
    {
        try
        {
            while (true)
            {
                if (message is not null)
                {
                    // no cancellation token: ManagedWebSocket then takes its synchronous fast path; a stuck write is
                    // ended by Abort()
                    var write = _socket.SendAsync(message, WebSocketMessageType.Binary, WebSocketMessageFlags.EndOfMessage, CancellationToken.None);
                    if (!write.IsCompletedSuccessfully)
                    {
                        _ = ContinueAsync(write, message.Length);
                        return;
                    }

                    Sent(message.Length);
                }

                if (!TryTakeNext(out message))
                {
                    return;
                }
            }
        }
        catch (Exception e) when (IsSocketFailure(e))
        {
            Fail();
        }
    }

    private async Task ContinueAsync(ValueTask write, int length)
    {
        try
        {
            await write.ConfigureAwait(false);
            Sent(length);
        }
        catch (Exception e) when (IsSocketFailure(e))
        {
            Fail();
            return;
        }

        if (TryTakeNext(out var next))
        {
            Pump(next);
        }
    }

    /// <summary>The next queued message; or, with the queue empty, the close frame (sent here) or the end of sending.</summary>
    private bool TryTakeNext(out byte[]? message)
    {
        (int Code, string Reason)? close;
        lock (_lock)
        {
            if (!_discard && _queue is { Count: > 0 })
            {
                message = _queue.Dequeue();
                _queuedBytes -= message.Length;
                return true;
            }

            _queue?.Clear();
            _queuedBytes = 0;
            message = null;
            close = _close;
            if (close is null)
            {
                _sending = false;
                return false;
            }
        }

        _ = SendCloseAsync(close.Value);
        return false;
    }

    private async Task SendCloseAsync((int Code, string Reason) close)
    {
        try
        {
            if (_socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                await _socket.CloseOutputAsync((WebSocketCloseStatus)close.Code, Truncate(close.Reason), CancellationToken.None).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (IsSocketFailure(e))
        {
            // the peer went away; the receive loop notices too
        }
        finally
        {
            _completion.TrySetResult();
        }
    }

    private void Fail()
    {
        lock (_lock)
        {
            _closing = true;
            _discard = true;
            _queue?.Clear();
            _queuedBytes = 0;
        }

        _completion.TrySetResult();
    }

    private static void Sent(int length)
    {
        SyncServerTelemetry.MessagesOut.Add(1);
        SyncServerTelemetry.BytesOut.Add(length);
    }

    private static bool IsSocketFailure(Exception e) =>
        e is WebSocketException or OperationCanceledException or ObjectDisposedException or IOException;

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
