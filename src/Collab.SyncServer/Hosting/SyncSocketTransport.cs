using System.Net;
using System.Net.Sockets;
using Collab.SyncServer.Connections;
using Collab.SyncServer.Connections.WebSockets;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.Options;

namespace Collab.SyncServer.Hosting;

/// <summary>
/// Kestrel's transport for TCP endpoints when <see cref="SyncServerOptions.DirectTransport"/> is on: it accepts the
/// sockets itself and serves plain WebSocket upgrades to the sync paths directly on the socket, without a Kestrel
/// connection. Only endpoints that carry the <see cref="DirectWebSockets"/> middleware and no TLS are bound this way
/// (<see cref="DirectEndpoints"/>); Kestrel's transport binds the others. Every other connection (other requests,
/// HTTP/2, anything unusual or slow to arrive) is handed to Kestrel unchanged, with nothing read from it, as Kestrel's
/// own socket transport would have accepted it.
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
    DirectEndpoints directEndpoints,
    IServiceProvider services,
    ILoggerFactory loggerFactory) : IConnectionListenerFactory, IConnectionListenerFactorySelector, IDisposable
{
    private readonly ILogger<SyncSocketTransport> _logger = loggerFactory.CreateLogger<SyncSocketTransport>();
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
        loggerFactory.CreateLogger<SocketConnectionContextFactory>());

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
        if (!Enabled || endpoint is not IPEndPoint || !directEndpoints.IsPlain(endpoint))
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

        LogBound(listener.EndPoint.ToString() ?? "");
        listener.Start();
        return new ValueTask<IConnectionListener>(listener);
    }

    public void Dispose() => _handOff.Dispose();

    internal DirectWebSockets Handler => _handler ??= new DirectWebSockets(services.GetRequiredService<ConnectionServices>());

    internal ConnectionContext HandOff(Socket socket) => _handOff.Create(socket);

    [LoggerMessage(EventId = 1152, Level = LogLevel.Debug, Message = "Sync WebSockets on {EndPoint} are served directly; other connections go to Kestrel")]
    private partial void LogBound(string endPoint);
}
