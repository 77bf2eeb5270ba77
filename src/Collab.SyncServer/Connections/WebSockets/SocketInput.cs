using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;
using Microsoft.AspNetCore.Connections;

namespace Collab.SyncServer.Connections.WebSockets;

/// <summary>
/// The incoming side of a socket served by <see cref="Hosting.SyncSocketTransport"/>: a <see cref="PipeReader"/> that
/// receives straight from the socket into one contiguous buffer. There is no pipe, no receive loop and no second
/// thread hop between the socket and the session that reads: a read waits for the socket with a zero-byte receive,
/// then receives what is there into a rented buffer, which is returned as soon as everything in it was consumed. An
/// idle socket therefore holds no buffer, as with Kestrel's <c>WaitForDataBeforeAllocatingBuffer</c>.
/// </summary>
/// <remarks>
/// One reader at a time, as for any pipe. Socket failures surface as <see cref="ConnectionResetException"/> or
/// <see cref="ConnectionAbortedException"/>, like Kestrel's transport; the end of the peer's stream as a completed
/// read. Frame sizes are bounded by the frame parser, which consumes a frame's payload as it arrives, so the buffer
/// only grows while a frame's header or an unconsumed message head needs more bytes.
/// </remarks>
internal sealed class SocketInput(Socket socket) : PipeReader
{
    private const int MinimumBuffer = 4096;

    private readonly Lock _lock = new();
    private byte[]? _buffer;
    private int _start;
    private int _end;
    private int _examined;
    private bool _ended;
    private bool _receiving;
    private bool _completed;
    private bool _cancelRequested;

    /// <summary>True while a receive buffer is rented (between a receive and the consumption of all it brought).</summary>
    internal bool HoldsBuffer => _buffer is not null;

    public override bool TryRead(out ReadResult result)
    {
        if (ConsumeCancel())
        {
            result = new ReadResult(Unconsumed(), isCanceled: true, isCompleted: false);
            return true;
        }

        // after the end of the stream every read returns at once, with whatever was left unconsumed
        if (_end > _examined || _ended)
        {
            result = new ReadResult(Unconsumed(), isCanceled: false, isCompleted: _ended);
            return true;
        }

        result = default;
        return false;
    }

    public override ValueTask<ReadResult> ReadAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_completed, this);
        return TryRead(out var result) ? new ValueTask<ReadResult>(result) : ReceiveAsync(cancellationToken);
    }

    public override void AdvanceTo(SequencePosition consumed) => AdvanceTo(consumed, consumed);

    public override void AdvanceTo(SequencePosition consumed, SequencePosition examined)
    {
        if (_buffer is null)
        {
            return;
        }

        if ((consumed.GetObject() is { } c && c != _buffer) || (examined.GetObject() is { } e && e != _buffer))
        {
            throw new InvalidOperationException("The position is not from the data the last read returned.");
        }

        var consumedAt = consumed.GetObject() is null ? _start : consumed.GetInteger();
        var examinedAt = examined.GetObject() is null ? consumedAt : examined.GetInteger();
        if (consumedAt < _start || consumedAt > _end || examinedAt < consumedAt || examinedAt > _end)
        {
            throw new InvalidOperationException("The position is not within the data the last read returned.");
        }

        _start = consumedAt;
        _examined = examinedAt;
        if (_start == _end)
        {
            ReleaseBuffer();
        }
    }

    /// <summary>
    /// The next read, or the one in progress when it completes, returns as cancelled. A receive the socket is waiting
    /// on is not interrupted (that would cost a cancellation source per idle socket); pass a token to
    /// <see cref="ReadAsync"/> for that, or abort the connection.
    /// </summary>
    public override void CancelPendingRead()
    {
        lock (_lock)
        {
            _cancelRequested = true;
        }
    }

    public override void Complete(Exception? exception = null)
    {
        lock (_lock)
        {
            _completed = true;
            if (!_receiving)
            {
                ReleaseBuffer();
            }
        }
    }

    private ReadOnlySequence<byte> Unconsumed() =>
        _buffer is null ? ReadOnlySequence<byte>.Empty : new ReadOnlySequence<byte>(_buffer, _start, _end - _start);

    private bool ConsumeCancel()
    {
        lock (_lock)
        {
            var requested = _cancelRequested;
            _cancelRequested = false;
            return requested;
        }
    }

    private async ValueTask<ReadResult> ReceiveAsync(CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            _receiving = true;
        }

        try
        {
            if (_buffer is null)
            {
                // nothing buffered: wait for data without holding memory, then take what arrived
                await socket.ReceiveAsync(Memory<byte>.Empty, SocketFlags.None, cancellationToken).ConfigureAwait(false);
                RentBuffer();
            }
            else
            {
                MakeRoom();
            }

            var received = await socket.ReceiveAsync(_buffer.AsMemory(_end), SocketFlags.None, cancellationToken).ConfigureAwait(false);
            if (received == 0)
            {
                _ended = true;
            }

            _end += received;
            return new ReadResult(Unconsumed(), isCanceled: ConsumeCancel(), isCompleted: _ended);
        }
        catch (SocketException e) when (e.SocketErrorCode is SocketError.ConnectionReset or SocketError.Shutdown or SocketError.ConnectionAborted)
        {
            throw new ConnectionResetException(e.Message, e);
        }
        catch (SocketException e)
        {
            throw new ConnectionAbortedException(e.Message, e);
        }
        finally
        {
            lock (_lock)
            {
                _receiving = false;
                if (_completed)
                {
                    ReleaseBuffer();
                }
            }
        }
    }

    private void RentBuffer()
    {
        _buffer = ArrayPool<byte>.Shared.Rent(MinimumBuffer);
        _start = _end = _examined = 0;
    }

    /// <summary>Room after the unconsumed bytes: moved to the front, or into a buffer twice the size when it is full.</summary>
    private void MakeRoom()
    {
        var buffer = _buffer!;
        var length = _end - _start;
        if (_start > 0)
        {
            Buffer.BlockCopy(buffer, _start, buffer, 0, length);
        }
        else if (_end == buffer.Length)
        {
            var larger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
            Buffer.BlockCopy(buffer, 0, larger, 0, length);
            ArrayPool<byte>.Shared.Return(buffer);
            _buffer = larger;
        }
        else
        {
            return;
        }

        _examined -= _start;
        _start = 0;
        _end = length;
    }

    private void ReleaseBuffer()
    {
        if (_buffer is not null)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = null;
            _start = _end = _examined = 0;
        }
    }
}
