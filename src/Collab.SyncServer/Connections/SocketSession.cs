using Collab.SyncServer.Connections.WebSockets;
using Collab.SyncServer.Hooks;
using Collab.SyncServer.Protocol;
using Collab.SyncServer.Telemetry;

namespace Collab.SyncServer.Connections;

/// <summary>
/// One accepted WebSocket: the receive loop (binary messages up to the size limit), the bounded send queue, the
/// inactivity timeout (§7.2.7) and termination with a close code.
/// </summary>
internal abstract class SocketSession
{
    /// <summary>Frames handled in one go before the deferred broadcasts are flushed even though more data is waiting.</summary>
    private const int FramesPerTurn = 32;

    /// <summary>
    /// How long one socket's buffered frames may occupy the thread they are read on before the loop yields it: the
    /// socket engine thread serves many sockets, and one that sends a flood of expensive frames must not hold back
    /// everyone else's frames and timers. After the slice the loop continues on the thread pool.
    /// </summary>
    internal static readonly TimeSpan TurnSlice = TimeSpan.FromMilliseconds(5);

    private readonly FrameSocket _socket;
    private readonly SocketBudget? _budget;
    private AddressBudgets.Entry? _address; // acquired when the session runs, released when it ends
    private int _logLines;
    private readonly long _openedAt;
    private long _lastReceived;
    private int _terminated;
    private volatile bool _hasAuthenticated;

    protected SocketSession(FrameSocket socket, HttpContext http, ConnectionServices services)
    {
        _socket = socket;
        Http = http;
        Services = services;
        Options = services.Options;
        Sender = new SocketSender(
            socket, Options.MaxSendQueueBytes, Options.MaxSendQueueMessages, OnSendOverflow, Options.EchoDelay > TimeSpan.Zero ? services.Flusher : null);
        _openedAt = services.Time.GetTimestamp();
        _lastReceived = _openedAt;
        _budget = SocketBudget.From(Options, services.Time);
        // until the socket authenticates, only small messages (MarkAuthenticated lifts the limit)
        socket.MaxMessageBytes = Math.Min(Options.MaxUnauthenticatedMessageBytes, Options.MaxMessageBytes);
    }

    public string SocketId { get; } = Guid.NewGuid().ToString();

    public HttpContext Http { get; }

    /// <summary>Disposed when the session ends (the request features of a socket upgraded below the HTTP stack).</summary>
    internal IAsyncDisposable? Resources { get; set; }

    public ConnectionServices Services { get; }

    protected SyncServerOptions Options { get; }

    protected SocketSender Sender { get; }

    protected bool IsTerminated => Volatile.Read(ref _terminated) != 0;

    /// <summary>Log lines a socket's own messages may cause (denied authentications, rejected or unknown messages).</summary>
    internal const int LogBudget = 20;

    /// <summary>
    /// Whether one more log line caused by this socket's messages may be written: the first <see cref="LogBudget"/> are;
    /// then one line says that the rest are suppressed, and the socket's further ones are not written (a hostile client
    /// cannot fill the disk or drown other lines; metrics still count everything).
    /// </summary>
    internal bool TakeLogLine()
    {
        var taken = Interlocked.Increment(ref _logLines);
        if (taken == LogBudget + 1)
        {
            Services.Logger.LogLinesSuppressed(SocketId, LogBudget);
        }

        return taken <= LogBudget;
    }

    /// <summary>Switches the timeout from the absolute pre-auth deadline to the idle rule and lifts the pre-auth message limit (sticky).</summary>
    protected void MarkAuthenticated()
    {
        _hasAuthenticated = true;
        _socket.MaxMessageBytes = Options.MaxMessageBytes;
    }

    public bool Send(byte[] message) => !IsTerminated && Sender.TrySend(message);

    /// <summary>Sends a message with the socket's next one, or on its own after <see cref="SyncServerOptions.EchoDelay"/>.</summary>
    public bool SendDeferred(byte[] message) => !IsTerminated && Sender.TryDefer(message);

    /// <summary>Sends the same message <paramref name="count"/> times, with one flush.</summary>
    public bool Send(byte[] message, int count) => !IsTerminated && Sender.TrySend(message, count);

    /// <summary>
    /// §7.2.4 steps 2–3 for one document, shared by both kinds of client: validate the name, run the onConnect and
    /// onAuthenticate chains with the same context and connection config, then mark the socket authenticated.
    /// Throws what the hooks throw; returns the connect payload that the document load and the connection use.
    /// </summary>
    protected async Task<OnConnectPayload> ConnectAndAuthenticateAsync(
        string documentName, string token, string? providerVersion, ConnectionKind kind, ConnectionConfig config, IDictionary<string, object?> context)
    {
        Services.Registry.ValidateName(documentName);
        var connect = new OnConnectPayload
        {
            Services = Services.Services,
            DocumentName = documentName,
            Request = Http,
            RequestHeaders = Http.Request.Headers,
            RequestParameters = Http.Request.Query,
            SocketId = SocketId,
            ConnectionConfig = config,
            Context = context,
            ProviderVersion = providerVersion,
            Kind = kind,
        };
        await Services.Hooks.RunAsync("onConnect", connect, static (x, p) => x.OnConnect(p)).ConfigureAwait(false);
        var authenticate = new OnAuthenticatePayload(connect, token);
        await Services.Hooks.RunAsync("onAuthenticate", authenticate, static (x, p) => x.OnAuthenticate(p)).ConfigureAwait(false);

        config.IsAuthenticated = true;
        MarkAuthenticated();
        return connect;
    }

    /// <summary>Runs the socket until it closes, then closes every document connection.</summary>
    /// <remarks>
    /// The receive loop is part of this method (not a method of its own) so that an idle socket keeps one state machine
    /// less. No cancellation registration: when the connection goes (client gone, server aborting it) the pending read ends.
    /// </remarks>
    public async Task RunAsync()
    {
        // one timer for all sockets checks the timeouts (SessionTracker), none per socket
        Services.Sessions.Add(this);
        SyncServerTelemetry.Sockets.Add(1);
        _address = Services.Addresses.Acquire(Http);
        var handled = 0;
        var sliceTicks = (long)(TurnSlice.TotalSeconds * System.Diagnostics.Stopwatch.Frequency);
        var turnStarted = System.Diagnostics.Stopwatch.GetTimestamp();
        try
        {
            await OnOpenAsync().ConfigureAwait(false);
            // after a termination the loop keeps reading (and ignoring) until the peer answers the close frame
            while (true)
            {
                if (!_socket.TryReceive(out var inbound))
                {
                    // the end of a turn: send what the frames handled so far changed, before waiting; the transport
                    // is awaited here (not in a FrameSocket method), so an idle socket keeps this state machine only
                    handled = 0;
                    BroadcastTurn.FlushDeferred();
                    turnStarted = 0; // the next turn starts with the next data
                    while (true)
                    {
                        System.IO.Pipelines.ReadResult read;
                        try
                        {
                            read = await _socket.ReadAsync().ConfigureAwait(false);
                        }
                        catch (Exception e) when (FrameSocket.IsTransportFailure(e))
                        {
                            inbound = _socket.Vanished();
                            break;
                        }

                        if (_socket.TryConsume(read, out inbound))
                        {
                            break;
                        }
                    }
                }
                else if (++handled >= FramesPerTurn)
                {
                    handled = 0;
                    BroadcastTurn.FlushDeferred();
                    if (System.Diagnostics.Stopwatch.GetTimestamp() - turnStarted > sliceTicks)
                    {
                        // this socket had the thread for a whole slice: let the others' completions run first (to the
                        // back of the pool's global queue; Task.Yield on a pool thread would go to its local queue and
                        // come straight back)
                        await Task.Factory.StartNew(static () => { }, CancellationToken.None, TaskCreationOptions.PreferFairness, TaskScheduler.Default).ConfigureAwait(false);
                        turnStarted = System.Diagnostics.Stopwatch.GetTimestamp();
                    }
                }

                if (turnStarted == 0)
                {
                    turnStarted = System.Diagnostics.Stopwatch.GetTimestamp();
                }

                switch (inbound.Kind)
                {
                    case FrameKind.Closed:
                        return;
                    case FrameKind.ProtocolError:
                        Terminate(inbound.CloseCode, inbound.CloseCode == FrameSocket.InvalidPayloadCode ? "Invalid Payload Data" : "Protocol Error", null);
                        return;
                    case FrameKind.Ping:
                        Sender.SendPong(inbound.Payload);
                        continue;
                    case FrameKind.Text:
                        Terminate(CloseCodes.UnsupportedData, "Unsupported Data", null);
                        continue;
                    case FrameKind.TooBig:
                        Terminate(CloseCodes.MessageTooBig, "Message Too Big", null);
                        continue;
                    case FrameKind.Overloaded:
                        Terminate(CloseCodes.TryAgainLater, "Server Busy", null);
                        continue;
                }

                if (IsTerminated)
                {
                    continue;
                }

                var frame = inbound.Payload;
                var wait = _budget?.Spend(frame.Length) ?? TimeSpan.Zero;
                if (_address?.Spend(frame.Length) is { } shared && shared > wait)
                {
                    wait = shared;
                }

                if (wait > TimeSpan.Zero)
                {
                    // over the socket's rate: read it no faster than its budget (what it changed so far goes out first)
                    BroadcastTurn.FlushDeferred();
                    SyncServerTelemetry.Throttled.Add(1);
                    await Task.Delay(wait, Services.Time).ConfigureAwait(false);
                    turnStarted = System.Diagnostics.Stopwatch.GetTimestamp();
                }

                Interlocked.Exchange(ref _lastReceived, Services.Time.GetTimestamp());
                SyncServerTelemetry.MessagesIn.Add(1);
                SyncServerTelemetry.BytesIn.Add(frame.Length);
                ValueTask processing;
                using (BroadcastTurn.Enter())
                {
                    try
                    {
                        processing = OnFrameAsync(frame);
                    }
                    catch (ProtocolException e)
                    {
                        Terminate(e.Code, e.Reason, e);
                        continue;
                    }
                }

                if (!processing.IsCompletedSuccessfully)
                {
                    BroadcastTurn.FlushDeferred();
                    try
                    {
                        await processing.ConfigureAwait(false);
                    }
                    catch (ProtocolException e)
                    {
                        Terminate(e.Code, e.Reason, e);
                    }
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or ObjectDisposedException)
        {
            // the peer vanished or the server stops
        }
        finally
        {
            _socket.ReleaseBuffers();
            if (_address is { } address)
            {
                Services.Addresses.Release(address);
            }

            BroadcastTurn.FlushDeferred();
            await OnSocketClosedAsync().ConfigureAwait(false);
            // answer the peer's close (or say goodbye); the transport closes when the session returns
            Sender.Close(CloseCodes.Normal, "", discardQueued: false);
            if (await Task.WhenAny(Sender.Completion, Task.Delay(TimeSpan.FromSeconds(2), CancellationToken.None)).ConfigureAwait(false) != Sender.Completion)
            {
                _socket.Abort();
            }

            Services.Sessions.Remove(this);
            SyncServerTelemetry.Sockets.Add(-1);
            Services.Logger.SocketClosed(SocketId);
            if (Resources is { } resources)
            {
                await resources.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    protected virtual Task OnOpenAsync() => Task.CompletedTask;

    protected abstract ValueTask OnFrameAsync(byte[] frame);

    /// <summary>Closes every document connection of the socket (§7.2.8).</summary>
    protected abstract Task OnSocketClosedAsync();

    /// <summary>Forgets a document connection that closed.</summary>
    public abstract void Forget(DocumentConnection connection);

    /// <summary>Closes the socket with a code; frames in flight are ignored from now on.</summary>
    public void Terminate(int code, string reason, Exception? cause, bool discardQueued = true)
    {
        if (Interlocked.Exchange(ref _terminated, 1) != 0)
        {
            return;
        }

        SyncServerTelemetry.Terminations.Add(1, new KeyValuePair<string, object?>("code", code));
        Services.Logger.SocketTerminated(SocketId, code, reason, cause);
        _ = TerminateAsync(code, reason, discardQueued);
    }

    private async Task TerminateAsync(int code, string reason, bool discardQueued)
    {
        await Sender.CloseAsync(code, reason, discardQueued, TimeSpan.FromSeconds(2)).ConfigureAwait(false);
        // give the peer a moment to answer the close frame, then drop the connection
        var deadline = Task.Delay(TimeSpan.FromSeconds(2), CancellationToken.None);
        while (!_socket.CloseReceived && !deadline.IsCompleted)
        {
            await Task.WhenAny(deadline, Task.Delay(20, CancellationToken.None)).ConfigureAwait(false);
        }

        if (!_socket.CloseReceived)
        {
            _socket.Abort();
        }
    }

    private void OnSendOverflow()
    {
        SyncServerTelemetry.SlowConsumers.Add(1);
        Services.Logger.SlowConsumer(SocketId);
        Terminate(CloseCodes.TryAgainLater, "Send Queue Overflow", null);
    }

    /// <summary>Closes the socket when its timeout passed (called for every socket by one shared timer).</summary>
    internal void CheckTimeout()
    {
        if (IsTerminated)
        {
            return;
        }

        var now = Services.Time.GetTimestamp();
        var since = _hasAuthenticated ? Interlocked.Read(ref _lastReceived) : _openedAt;
        if (Services.Time.GetElapsedTime(since, now) > Options.Timeout)
        {
            Terminate(CloseCodes.ConnectionTimeout, "Connection Timeout", null);
        }
    }
}
