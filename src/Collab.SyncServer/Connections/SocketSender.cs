using System.IO.Pipelines;
using Collab.SyncServer.Connections.WebSockets;
using Collab.SyncServer.Telemetry;

namespace Collab.SyncServer.Connections;

/// <summary>
/// The bounded outgoing queue of one WebSocket and its only writer. Enqueueing never waits: broadcasts to thousands
/// of sockets cost one append each, and a socket whose backlog exceeds the limits is closed (1013) instead of
/// slowing anyone.
/// </summary>
/// <remarks>
/// No task or thread per socket: when nothing is in flight, <see cref="TrySend(byte[])"/> writes the frame on the caller's
/// thread and the transport's pipe accepts it synchronously unless the client reads slowly. Only then does a
/// continuation take over; it writes everything queued meanwhile with one flush, in order, and finally the close
/// frame. An idle socket holds no buffer and no pending operation here.
/// <para>
/// A deferred message (<see cref="TryDefer"/>: the echo of a client's own update) waits in the queue without a send of
/// its own; the next message to the socket takes it along, in order, or <paramref name="echoes"/> flushes it after its
/// delay.
/// </para>
/// </remarks>
internal sealed class SocketSender(FrameSocket socket, int maxBytes, int maxMessages, Action onOverflow, Documents.BroadcastFlusher? echoes = null)
    : Documents.IFlushable
{
    // The lock is the FrameSocket itself: this sender is its only writer and nothing else locks it (one object less
    // per socket).
    private readonly record struct Outgoing(byte Opcode, byte[] Payload);

    private TaskCompletionSource? _completion;
    private Queue<Outgoing>? _queue;
    private long _queuedBytes;
    private bool _sending;
    private bool _closing;
    private (int Code, string Reason)? _close;
    private bool _discard;
    private bool _echoScheduled;

    /// <summary>Ends when the queue was written and the close frame sent (or the socket failed).</summary>
    public Task Completion => CompletionSource.Task;

    /// <summary>Created on first use (closing): an open socket does not carry it.</summary>
    private TaskCompletionSource CompletionSource =>
        LazyInitializer.EnsureInitialized(ref _completion, static () => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));

    /// <summary>Queues (or writes) a binary message; false when the socket is closing or overflowed.</summary>
    public bool TrySend(byte[] message) => Enqueue(new Outgoing(FrameSocket.OpBinary, message), 1);

    /// <summary>
    /// Queues (or writes) the same binary message <paramref name="count"/> times, leaving with one flush when nothing
    /// is in flight (a burst of acknowledgements costs one system call, not one each).
    /// </summary>
    public bool TrySend(byte[] message, int count) => count <= 0 || Enqueue(new Outgoing(FrameSocket.OpBinary, message), count);

    /// <summary>
    /// Queues a binary message to leave with the socket's next message, or on its own after the echo delay (when no
    /// flusher was given: at once); false when the socket is closing or overflowed.
    /// </summary>
    public bool TryDefer(byte[] message) => Enqueue(new Outgoing(FrameSocket.OpBinary, message), 1, defer: echoes is not null);

    /// <summary>Answers a ping.</summary>
    public void SendPong(byte[] payload) => Enqueue(new Outgoing(FrameSocket.OpPong, payload), 1);

    private bool Enqueue(Outgoing message, int count, bool defer = false)
    {
        var overflow = false;
        var scheduleEcho = false;
        bool writeFirst;
        lock (socket)
        {
            if (_closing)
            {
                return false;
            }

            // while nothing is in flight and nothing waits this caller writes the first copy itself and the rest
            // leave with it; behind deferred messages everything queues, so that the order holds
            writeFirst = !_sending && !defer && _queue is not { Count: > 0 };
            var queued = writeFirst ? count - 1 : count;
            if (_queuedBytes + ((long)message.Payload.Length * queued) <= maxBytes && (_queue?.Count ?? 0) + queued <= maxMessages)
            {
                if (queued > 0)
                {
                    var queue = _queue ??= new Queue<Outgoing>();
                    for (var i = 0; i < queued; i++)
                    {
                        queue.Enqueue(message);
                    }

                    _queuedBytes += (long)message.Payload.Length * queued;
                }

                if (_sending)
                {
                    return true;
                }

                if (defer)
                {
                    scheduleEcho = !_echoScheduled;
                    _echoScheduled = true;
                }
                else
                {
                    _sending = true;
                }
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
            onOverflow();
            return false;
        }

        if (defer)
        {
            if (scheduleEcho)
            {
                echoes!.ScheduleEcho(this);
            }

            return true;
        }

        Pump(writeFirst ? message : null);
        return true;
    }

    /// <summary>The echo delay ended: sends what is still deferred (nothing else took it along).</summary>
    public void FlushLogged()
    {
        lock (socket)
        {
            _echoScheduled = false;
            if (_sending || _closing || _queue is not { Count: > 0 })
            {
                return;
            }

            _sending = true;
        }

        try
        {
            Pump(null);
        }
        catch (Exception)
        {
            // not a transport failure (those end in Fail inside): this socket is in an unknown state; drop it
            Fail();
        }
    }

    /// <summary>Stops accepting messages; sends what is queued (unless <paramref name="discardQueued"/>) and then the close frame.</summary>
    public void Close(int code, string reason, bool discardQueued)
    {
        lock (socket)
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
                // the pump writes the close frame when it is done
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
            socket.Abort();
            CompletionSource.TrySetResult();
        }
    }

    /// <summary>Writes <paramref name="first"/> (unless null) and everything queued, then flushes; repeats while the transport accepts synchronously.</summary>
    private void Pump(Outgoing? first)
    {
        try
        {
            var next = first;
            while (true)
            {
                var closing = false;
                if (next is { } message)
                {
                    Write(message);
                }

                lock (socket)
                {
                    if (!_discard && _queue is not null)
                    {
                        while (_queue.TryDequeue(out var queued))
                        {
                            _queuedBytes -= queued.Payload.Length;
                            Write(queued);
                        }
                    }
                    else
                    {
                        _queue?.Clear();
                        _queuedBytes = 0;
                    }

                    if (_close is { } close)
                    {
                        socket.WriteClose(close.Code, close.Reason);
                        closing = true;
                    }
                }

                var flush = socket.FlushAsync();
                if (!flush.IsCompletedSuccessfully)
                {
                    _ = ContinueAsync(flush, closing);
                    return;
                }

                if (flush.Result.IsCompleted || closing)
                {
                    Finish();
                    return;
                }

                if (!TryTakeNext(out next))
                {
                    return;
                }
            }
        }
        catch (Exception e) when (IsTransportFailure(e))
        {
            Fail();
        }
    }

    private async Task ContinueAsync(ValueTask<FlushResult> flush, bool closing)
    {
        try
        {
            var result = await flush.ConfigureAwait(false);
            if (result.IsCompleted || closing)
            {
                Finish();
                return;
            }
        }
        catch (Exception e) when (IsTransportFailure(e))
        {
            Fail();
            return;
        }

        if (TryTakeNext(out var next))
        {
            Pump(next);
        }
    }

    /// <summary>Something queued (or a close to write) to continue with, or the end of this sending turn.</summary>
    private bool TryTakeNext(out Outgoing? next)
    {
        next = null;
        lock (socket)
        {
            if ((_queue is { Count: > 0 } && !_discard) || _close is not null)
            {
                return true;
            }

            _sending = false;
            return false;
        }
    }

    private void Write(Outgoing message)
    {
        socket.Write(message.Opcode, message.Payload);
        if (message.Opcode == FrameSocket.OpBinary)
        {
            SyncServerTelemetry.MessagesOut.Add(1);
            SyncServerTelemetry.BytesOut.Add(message.Payload.Length);
        }
    }

    /// <summary>The close frame went out (or the peer is gone): nothing is written any more.</summary>
    private void Finish()
    {
        lock (socket)
        {
            _closing = true;
            _discard = true;
            _queue?.Clear();
            _queuedBytes = 0;
        }

        // the transport is closed by the session once the peer answered (or did not in time)
        CompletionSource.TrySetResult();
    }

    private void Fail()
    {
        Finish();
        socket.Abort();
    }

    private static bool IsTransportFailure(Exception e) =>
        e is IOException or ObjectDisposedException or InvalidOperationException or OperationCanceledException
            or Microsoft.AspNetCore.Connections.ConnectionResetException or Microsoft.AspNetCore.Connections.ConnectionAbortedException;
}
