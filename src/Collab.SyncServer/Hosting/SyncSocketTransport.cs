using System.Buffers;
using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;
using Collab.SyncServer.Connections;
using Collab.SyncServer.Connections.WebSockets;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.Options;

namespace Collab.SyncServer.Hosting;

/// <summary>
/// Kestrel's transport for TCP endpoints when <see cref="SyncServerOptions.DirectTransport"/> is on: it accepts the
/// sockets itself and serves plain WebSocket upgrades to the sync paths directly on the socket, without a Kestrel
/// connection. Every other connection (other requests, TLS, HTTP/2, anything unusual or slow to arrive) is handed to
/// Kestrel unchanged, with nothing read from it, as Kestrel's own socket transport would have accepted it.
/// </summary>
/// <remarks>
/// A Kestrel connection over a socket keeps two pipes, a receive loop, socket event arguments and its bookkeeping for
/// as long as the socket lives, about 3.9 KiB per idle WebSocket (measured with a heap walk), and every inbound message
/// passes through its pipe to a second thread. A directly served socket keeps only the socket, a
/// <see cref="SocketInput"/> and a small context; the session reads on the thread the receive completed on. Kestrel's
/// connection limits could not count these sockets, so where one is set (<c>MaxConcurrentConnections</c>,
/// <c>MaxConcurrentUpgradedConnections</c>) Kestrel's own transport is used.
/// </remarks>
internal sealed partial class SyncSocketTransport(
    IOptions<SocketTransportOptions> socketOptions,
    IOptions<SyncServerOptions> options,
    IOptions<Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions> kestrelOptions,
    IServiceProvider services,
    ILoggerFactory loggerFactory) : IConnectionListenerFactory, IConnectionListenerFactorySelector, IDisposable
{
    private readonly SocketTransportFactory _kestrel = new(socketOptions, loggerFactory);
    private readonly SocketConnectionContextFactory _handOff = new(
        new SocketConnectionFactoryOptions
        {
            IOQueueCount = socketOptions.Value.IOQueueCount,
            WaitForDataBeforeAllocatingBuffer = socketOptions.Value.WaitForDataBeforeAllocatingBuffer,
            MaxReadBufferSize = socketOptions.Value.MaxReadBufferSize,
            MaxWriteBufferSize = socketOptions.Value.MaxWriteBufferSize,
            UnsafePreferInlineScheduling = socketOptions.Value.UnsafePreferInlineScheduling,
        },
        loggerFactory.CreateLogger<SyncSocketTransport>());

    private readonly ILogger<SyncSocketTransport> _logger = loggerFactory.CreateLogger<SyncSocketTransport>();
    private readonly List<SyncSocketListener> _listeners = [];
    private DirectWebSockets? _handler;

    /// <summary>The listeners bound so far (for tests and diagnostics).</summary>
    public IReadOnlyList<SyncSocketListener> Listeners
    {
        get
        {
            lock (_listeners)
            {
                return [.. _listeners];
            }
        }
    }

    /// <summary>True when upgrades are served on the socket: needs the direct handshake and direct writes too, and no
    /// Kestrel connection limit.</summary>
    public bool Enabled =>
        options.Value is { DirectTransport: true, DirectWebSockets: true, DirectSocketWrites: true }
        && kestrelOptions.Value.Limits is { MaxConcurrentConnections: null, MaxConcurrentUpgradedConnections: null };

    public bool CanBind(EndPoint endpoint) => _kestrel.CanBind(endpoint);

    public ValueTask<IConnectionListener> BindAsync(EndPoint endpoint, CancellationToken cancellationToken = default)
    {
        if (!Enabled || endpoint is not IPEndPoint)
        {
            return _kestrel.BindAsync(endpoint, cancellationToken);
        }

        var listen = socketOptions.Value.CreateBoundListenSocket(endpoint);
        try
        {
            listen.Listen(socketOptions.Value.Backlog);
        }
        catch
        {
            listen.Dispose();
            throw;
        }

        var listener = new SyncSocketListener(this, listen, socketOptions.Value.NoDelay, loggerFactory.CreateLogger<SyncSocketListener>());
        lock (_listeners)
        {
            _listeners.Add(listener);
        }

        LogBound(listener.EndPoint);
        listener.Start();
        return new ValueTask<IConnectionListener>(listener);
    }

    public void Dispose() => _handOff.Dispose();

    internal DirectWebSockets Handler => _handler ??= new DirectWebSockets(services.GetRequiredService<ConnectionServices>());

    internal ConnectionContext HandOff(Socket socket) => _handOff.Create(socket);

    [LoggerMessage(EventId = 1152, Level = LogLevel.Debug, Message = "Sync WebSockets on {EndPoint} are served directly; other connections go to Kestrel")]
    private partial void LogBound(EndPoint endPoint);
}

/// <summary>One listening socket of <see cref="SyncSocketTransport"/>: the accept loop, the sorting of new sockets, and
/// the sockets it serves itself (aborted when the listener is disposed).</summary>
internal sealed partial class SyncSocketListener(SyncSocketTransport transport, Socket listen, bool noDelay, ILogger<SyncSocketListener> logger) : IConnectionListener
{
    /// <summary>How long a new socket may take to send a complete upgrade request before Kestrel gets it.</summary>
    internal static readonly TimeSpan SortTimeout = TimeSpan.FromSeconds(10);

    private const int PeekBytes = WebSocketHandshake.MaxRequestHeadBytes + 1;

    private readonly Channel<ConnectionContext> _handedOff = Channel.CreateUnbounded<ConnectionContext>(new UnboundedChannelOptions { SingleReader = false, SingleWriter = false });
    private readonly Lock _lock = new();
    private SyncSocketConnection? _served;
    private volatile bool _stopped;
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

            socket.NoDelay = noDelay;
            _ = SortAsync(socket);
        }
    }

    /// <summary>Serves the socket when it starts with a plain upgrade to a sync path; hands it to Kestrel otherwise.</summary>
    private async Task SortAsync(Socket socket)
    {
        var head = ArrayPool<byte>.Shared.Rent(PeekBytes);
        var serve = false;
        try
        {
            using var timeout = new CancellationTokenSource(SortTimeout);
            serve = await IsSyncUpgradeAsync(socket, head, timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // slow or silent: Kestrel's own timeouts decide
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            socket.Dispose();
            return;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(head);
        }

        if (serve && !_stopped)
        {
            // this may be the socket engine's thread (InlineIo); onUpgrade and onConnect hooks may block, so the
            // handshake starts on the thread pool, as Kestrel starts its connections
            ThreadPool.UnsafeQueueUserWorkItem(static s => s.Listener.Serve(new SyncSocketConnection(s.Socket)), (Listener: this, Socket: socket), preferLocal: false);
        }
        else if (_stopped)
        {
            socket.Dispose();
        }
        else
        {
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
    }

    /// <summary>Peeks (reads nothing) until the request head is complete, or is certainly not a sync-path upgrade.</summary>
    private async Task<bool> IsSyncUpgradeAsync(Socket socket, byte[] head, CancellationToken cancellationToken)
    {
        var pause = TimeSpan.FromMilliseconds(1);
        while (true)
        {
            await socket.ReceiveAsync(Memory<byte>.Empty, SocketFlags.None, cancellationToken).ConfigureAwait(false);
            var peeked = socket.Receive(head, 0, PeekBytes, SocketFlags.Peek, out var error);
            if (error != SocketError.Success || peeked == 0)
            {
                // closed or reset before a request: Kestrel sees it and ends it quietly
                return false;
            }

            var status = WebSocketHandshake.TryParse(new ReadOnlySequence<byte>(head, 0, peeked), out var request, out _);
            if (status == WebSocketHandshake.ParseStatus.Upgrade)
            {
                return transport.Handler.IsSyncPath(request.Path);
            }

            if (status == WebSocketHandshake.ParseStatus.Other)
            {
                return false;
            }

            // part of the head arrived: the socket is readable at once again, so wait a little before looking
            await Task.Delay(pause, cancellationToken).ConfigureAwait(false);
            pause = TimeSpan.FromTicks(Math.Min(pause.Ticks * 2, TimeSpan.FromMilliseconds(50).Ticks));
        }
    }

    private void Serve(SyncSocketConnection connection)
    {
        Add(connection);
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

    private void Add(SyncSocketConnection connection)
    {
        lock (_lock)
        {
            connection.Next = _served;
            if (_served is not null)
            {
                _served.Previous = connection;
            }

            _served = connection;
            ServedCount++;
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

    [LoggerMessage(EventId = 1151, Level = LogLevel.Error, Message = "Connection {ConnectionId} failed")]
    private partial void LogSessionFailed(string connectionId, Exception exception);
}
