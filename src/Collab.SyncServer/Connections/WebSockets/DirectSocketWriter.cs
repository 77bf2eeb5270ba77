using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;

namespace Collab.SyncServer.Connections.WebSockets;

/// <summary>
/// The outgoing side of an upgraded plain-TCP WebSocket written straight to its socket: a flush is one non-blocking
/// <c>send</c> on the caller's thread. Kestrel's output pipe, its send loop and its socket operation are skipped; they
/// cost about as much user-side CPU per message as the system call itself, and a fan-out server sends one message per
/// client and window.
/// </summary>
/// <remarks>
/// <para>
/// Only for a connection whose bytes go to its socket unchanged (Kestrel's socket transport, no TLS below the
/// WebSocket) and whose output pipe is never written, the 101 answer included: the transport's output would
/// otherwise race these writes. Kestrel's receive loop keeps reading the socket; it is unaffected.
/// </para>
/// <para>
/// What the socket does not take at once (a client reading slowly) is sent by one asynchronous socket operation, and
/// the flush completes only when it is done; the writer (a <see cref="SocketSender"/>) waits for it before writing
/// more, as with any pipe. The buffer is rented for a flush and returned after it: an idle socket holds none.
/// </para>
/// </remarks>
internal sealed class DirectSocketWriter : PipeWriter
{
    private const int MinimumBuffer = 4096;

    private readonly Socket _socket;
    private byte[]? _buffer;
    private int _written;
    private bool _completed;
    private bool _sending;

    public DirectSocketWriter(Socket socket)
    {
        _socket = socket;

        // sends below never wait for the socket; the asynchronous operations (Kestrel's receives, our remainders) are
        // not affected by this flag
        socket.Blocking = false;
    }

    /// <summary>True when <paramref name="connection"/>'s transport writes to its socket unchanged (no TLS).</summary>
    public static Socket? SocketOf(Microsoft.AspNetCore.Connections.ConnectionContext connection) =>
        connection.Features.Get<Microsoft.AspNetCore.Connections.Features.ITlsHandshakeFeature>() is null
        && connection.Features.Get<Microsoft.AspNetCore.Http.Features.ITlsConnectionFeature>() is null
        && connection.Features.Get<Microsoft.AspNetCore.Connections.Features.IConnectionSocketFeature>()?.Socket is { SocketType: SocketType.Stream } socket
        && socket.ProtocolType == ProtocolType.Tcp
            ? socket
            : null;

    public override void Advance(int bytes)
    {
        if ((uint)bytes > (uint)(Buffer.Length - _written))
        {
            throw new ArgumentOutOfRangeException(nameof(bytes));
        }

        _written += bytes;
    }

    public override Memory<byte> GetMemory(int sizeHint = 0) => Ensure(sizeHint).AsMemory(_written);

    public override Span<byte> GetSpan(int sizeHint = 0) => Ensure(sizeHint).AsSpan(_written);

    private byte[] Buffer => _buffer ?? throw new InvalidOperationException("GetSpan or GetMemory first.");

    private byte[] Ensure(int sizeHint)
    {
        ObjectDisposedException.ThrowIf(_completed, this);
        var needed = _written + Math.Max(sizeHint, 1);
        if (_buffer is { } buffer && needed <= buffer.Length)
        {
            return buffer;
        }

        var larger = ArrayPool<byte>.Shared.Rent(Math.Max(needed, Math.Max(MinimumBuffer, (_buffer?.Length ?? 0) * 2)));
        if (_buffer is { } old)
        {
            old.AsSpan(0, _written).CopyTo(larger);
            ArrayPool<byte>.Shared.Return(old);
        }

        return _buffer = larger;
    }

    public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default)
    {
        if (_written == 0)
        {
            return new ValueTask<FlushResult>(new FlushResult(false, _completed));
        }

        var buffer = _buffer!;
        if (SendBatch.Open is { } batch && _written <= SendBatch.MaxFrame)
        {
            // the flusher gathers this wake-up's sends into one system call; the flush completes with the batch
            var batched = batch.Queue(this, _socket, buffer.AsSpan(0, _written));
            Release();
            return batched;
        }

        var sent = 0;
        try
        {
            while (sent < _written)
            {
                var count = _socket.Send(buffer, sent, _written - sent, SocketFlags.None, out var error);
                if (error == SocketError.Success)
                {
                    sent += count;
                }
                else if (error == SocketError.WouldBlock)
                {
                    _sending = true;
                    return SendRemainderAsync(sent, cancellationToken);
                }
                else
                {
                    throw new IOException($"Send failed: {error}.", new SocketException((int)error));
                }
            }
        }
        catch (Exception e) when (!_sending)
        {
            Release();
            return ValueTask.FromException<FlushResult>(e);
        }

        Release();
        return new ValueTask<FlushResult>(new FlushResult(false, false));
    }

    private async ValueTask<FlushResult> SendRemainderAsync(int sent, CancellationToken cancellationToken)
    {
        try
        {
            await SendAllAsync(_buffer.AsMemory(sent, _written - sent), cancellationToken).ConfigureAwait(false);
            return new FlushResult(false, false);
        }
        catch (SocketException e)
        {
            throw new IOException(e.Message, e);
        }
        finally
        {
            _sending = false;
            Release();
        }
    }

    /// <summary>
    /// Sends what a batched send left (the first <paramref name="count"/> bytes of <paramref name="rented"/>, returned
    /// to the pool afterwards) by the asynchronous path, then completes <paramref name="pending"/>, the flush the
    /// sender waits for.
    /// </summary>
    internal void SendRemainder(byte[] rented, int count, PendingFlush pending) => _ = SendRemainderCoreAsync(rented, count, pending);

    private async Task SendRemainderCoreAsync(byte[] rented, int count, PendingFlush pending)
    {
        try
        {
            await SendAllAsync(rented.AsMemory(0, count), CancellationToken.None).ConfigureAwait(false);
            pending.SetResult(default);
        }
        catch (Exception e)
        {
            // whatever went wrong, the sender learns it as a transport failure and drops the socket
            pending.SetException(e as IOException ?? new IOException(e.Message, e));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>The asynchronous path: sends <paramref name="data"/> whole, one socket operation at a time.</summary>
    private async ValueTask SendAllAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        while (!data.IsEmpty)
        {
            data = data[await _socket.SendAsync(data, SocketFlags.None, cancellationToken).ConfigureAwait(false)..];
        }
    }

    private void Release()
    {
        _written = 0;
        if (_buffer is { } buffer)
        {
            _buffer = null;
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Nothing to cancel: a flush is either done or one socket operation that ends with the connection.</summary>
    public override void CancelPendingFlush()
    {
    }

    /// <summary>Drops what was written and not flushed; the connection itself is closed by Kestrel.</summary>
    public override void Complete(Exception? exception = null)
    {
        _completed = true;
        if (!_sending)
        {
            Release(); // a pending send still uses the buffer and returns it when it ends
        }
    }
}
