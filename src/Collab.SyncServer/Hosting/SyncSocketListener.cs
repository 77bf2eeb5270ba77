using System.Buffers;
using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;
using Collab.SyncServer.Connections.WebSockets;
using Microsoft.AspNetCore.Connections;

namespace Collab.SyncServer.Hosting;

/// <summary>One listening socket of <see cref="SyncSocketTransport"/>: the accept loop, the sorting of new sockets, and
/// the sockets it serves itself (aborted when the listener is disposed).</summary>
internal sealed partial class SyncSocketListener(SyncSocketTransport transport, Socket listen, bool noDelay, ILogger<SyncSocketListener> logger) : IConnectionListener
{
    /// <summary>How long a new socket may stay silent before Kestrel gets it.</summary>
    internal static readonly TimeSpan SortTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Looks at an incomplete head before Kestrel gets the socket, 1, 2, 4, 8 and 16 ms apart. A head larger
    /// than one segment arrives in one flight unless a segment is lost; such a socket is then served by Kestrel.</summary>
    private const int Looks = 6;

    private const int PeekBytes = WebSocketHandshake.MaxRequestHeadBytes + 1;

    private readonly Channel<ConnectionContext> _handedOff = Channel.CreateUnbounded<ConnectionContext>(new UnboundedChannelOptions { SingleReader = false, SingleWriter = false });
    private readonly Lock _lock = new();
    private SyncSocketConnection? _served;
    private volatile bool _stopped;
    private bool _disposed;
    private long _handedOffCount;

    public EndPoint EndPoint { get; } = listen.LocalEndPoint!;

    /// <summary>Sockets served directly and still open.</summary>
    public int ServedCount { get; private set; }

    /// <summary>Sockets handed to Kestrel so far.</summary>
    public long HandedOffCount => Interlocked.Read(ref _handedOffCount);

    public void Start() => _ = AcceptLoopAsync();

    public async ValueTask<ConnectionContext?> AcceptAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            return await _handedOff.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (ChannelClosedException)
        {
            return null;
        }
    }

    public ValueTask UnbindAsync(CancellationToken cancellationToken = default)
    {
        Stop();
        return default;
    }

    public ValueTask DisposeAsync()
    {
        Stop();

        // sessions were closed with 1001 before Kestrel stopped; what is still open now did not finish in time
        var open = new List<SyncSocketConnection>();
        lock (_lock)
        {
            _disposed = true;
            for (var connection = _served; connection is not null; connection = connection.Next)
            {
                open.Add(connection);
            }
        }

        foreach (var connection in open)
        {
            connection.Abort(new ConnectionAbortedException("The server is stopping."));
        }

        while (_handedOff.Reader.TryRead(out var waiting))
        {
            waiting.Abort();
        }

        return default;
    }

    private void Stop()
    {
        _stopped = true;
        listen.Dispose();
        _handedOff.Writer.TryComplete();
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stopped)
        {
            Socket socket;
            try
            {
                socket = await listen.AcceptAsync().ConfigureAwait(false);
            }
            catch (Exception e) when (e is ObjectDisposedException || (e is SocketException && _stopped))
            {
                break;
            }
            catch (SocketException e)
            {
                // a connection reset before it was accepted, or the process is out of descriptors: keep accepting
                LogAcceptFailed(e.SocketErrorCode, e);
                continue;
            }

            try
            {
                socket.NoDelay = noDelay;
            }
            catch (SocketException)
            {
                // reset between accept and now
                socket.Dispose();
                continue;
            }

            _ = SortAsync(socket);
        }
    }

    /// <summary>Serves the socket when it starts with a plain upgrade to a sync path; hands it to Kestrel otherwise.</summary>
    private async Task SortAsync(Socket socket)
    {
        try
        {
            bool serve;
            try
            {
                serve = await IsSyncUpgradeAsync(socket, transport).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // silent: Kestrel's own timeouts decide
                serve = false;
            }

            if (serve)
            {
                // this may be the socket engine's thread (InlineIo); onUpgrade and onConnect hooks may block, so the
                // handshake starts on the thread pool, as Kestrel starts its connections
                ThreadPool.UnsafeQueueUserWorkItem(static s => s.Listener.Serve(new SyncSocketConnection(s.Socket)), (Listener: this, Socket: socket), preferLocal: false);
                return;
            }

            if (_stopped)
            {
                socket.Dispose();
                return;
            }

            var connection = transport.HandOff(socket);
            if (_handedOff.Writer.TryWrite(connection))
            {
                Interlocked.Increment(ref _handedOffCount);
            }
            else
            {
                await connection.DisposeAsync().ConfigureAwait(false);
            }
        }
        catch (Exception e)
        {
            if (e is not (SocketException or ObjectDisposedException))
            {
                LogSortFailed(e);
            }

            socket.Dispose();
        }
    }

    /// <summary>
    /// Peeks (reads nothing) at the request head. True for a complete plain upgrade to a sync path; false for anything
    /// else, and for a head that is still incomplete after a few short looks (a client that sends its head in pieces,
    /// or slowly, is left to Kestrel, whose pipeline serves it the same way). Nothing is held while the socket is silent
    /// but this method's state and a timer; the buffer is rented once bytes are there.
    /// </summary>
    private static async Task<bool> IsSyncUpgradeAsync(Socket socket, SyncSocketTransport transport)
    {
        using (var silence = new CancellationTokenSource(SortTimeout))
        {
            await socket.ReceiveAsync(Memory<byte>.Empty, SocketFlags.None, silence.Token).ConfigureAwait(false);
        }

        var head = ArrayPool<byte>.Shared.Rent(PeekBytes);
        try
        {
            var pause = 1;
            var lastPeeked = 0;
            for (var look = 0; look < Looks; look++)
            {
                var peeked = socket.Receive(head, 0, PeekBytes, SocketFlags.Peek, out var error);
                if (error != SocketError.Success || peeked == 0)
                {
                    // closed or reset before a request: Kestrel sees it and ends it quietly
                    return false;
                }

                if (peeked > lastPeeked)
                {
                    var status = WebSocketHandshake.TryParse(new ReadOnlySequence<byte>(head, 0, peeked), out var request, out _);
                    if (status != WebSocketHandshake.ParseStatus.NeedMore)
                    {
                        return status == WebSocketHandshake.ParseStatus.Upgrade && transport.Handler.IsSyncPath(request.Path);
                    }

                    lastPeeked = peeked;
                }

                if (look == Looks - 1)
                {
                    break;
                }

                // part of the head arrived (the socket is readable at once again, so the rest is waited for by time)
                await Task.Delay(pause).ConfigureAwait(false);
                pause *= 2;
            }

            return false;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(head);
        }
    }

    private void Serve(SyncSocketConnection connection)
    {
        if (!Add(connection))
        {
            // the listener was disposed meanwhile: the server is stopping
            _ = connection.DisposeAsync();
            return;
        }

        Task session;
        try
        {
            // the head is in the socket already: the handshake reads it and the session runs until the socket ends
            session = transport.Handler.OnConnectionAsync(connection, static _ => Task.CompletedTask);
        }
        catch (Exception e)
        {
            session = Task.FromException(e);
        }

        session.ContinueWith(
            static (t, s) =>
            {
                var (listener, connection) = ((SyncSocketListener, SyncSocketConnection))s!;
                if (t.Exception is { } e)
                {
                    listener.LogSessionFailed(connection.ConnectionId, e.GetBaseException());
                }

                listener.Remove(connection);
                _ = connection.DisposeAsync();
            },
            (this, connection),
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    private bool Add(SyncSocketConnection connection)
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return false;
            }

            connection.Next = _served;
            if (_served is not null)
            {
                _served.Previous = connection;
            }

            _served = connection;
            ServedCount++;
            return true;
        }
    }

    private void Remove(SyncSocketConnection connection)
    {
        lock (_lock)
        {
            if (connection.Previous is { } previous)
            {
                previous.Next = connection.Next;
            }
            else if (_served == connection)
            {
                _served = connection.Next;
            }

            if (connection.Next is { } next)
            {
                next.Previous = connection.Previous;
            }

            connection.Previous = connection.Next = null;
            ServedCount--;
        }
    }

    [LoggerMessage(EventId = 1150, Level = LogLevel.Warning, Message = "Accepting a connection failed ({Error})")]
    private partial void LogAcceptFailed(SocketError error, Exception exception);

    [LoggerMessage(EventId = 1153, Level = LogLevel.Error, Message = "Sorting a new connection failed")]
    private partial void LogSortFailed(Exception exception);

    [LoggerMessage(EventId = 1151, Level = LogLevel.Error, Message = "Connection {ConnectionId} failed")]
    private partial void LogSessionFailed(string connectionId, Exception exception);
}
