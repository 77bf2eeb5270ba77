using System.Buffers;
using System.Net.WebSockets;
using Collab.SyncServer.Hooks;
using Collab.SyncServer.Protocol;
using Collab.SyncServer.Telemetry;

namespace Collab.SyncServer.Connections;

/// <summary>
/// One accepted WebSocket: the receive loop (binary frames up to the size limit, reassembled), the bounded send
/// queue, the inactivity timeout (§7.2.7) and termination with a close code.
/// </summary>
internal abstract class SocketSession
{
    /// <summary>Frames handled in one go before the deferred broadcasts are flushed even though more data is waiting.</summary>
    private const int FramesPerTurn = 32;

    private readonly WebSocket _socket;
    private readonly long _openedAt;
    private long _lastReceived;
    private int _terminated;
    private volatile bool _hasAuthenticated;

    protected SocketSession(WebSocket socket, HttpContext http, ConnectionServices services)
    {
        _socket = socket;
        Http = http;
        Services = services;
        Options = services.Options;
        Sender = new SocketSender(socket, Options.MaxSendQueueBytes, Options.MaxSendQueueMessages, OnSendOverflow);
        _openedAt = services.Time.GetTimestamp();
        _lastReceived = _openedAt;
    }

    public string SocketId { get; } = Guid.NewGuid().ToString();

    public HttpContext Http { get; }

    public ConnectionServices Services { get; }

    protected SyncServerOptions Options { get; }

    protected SocketSender Sender { get; }

    protected bool IsTerminated => Volatile.Read(ref _terminated) != 0;

    /// <summary>Switches the timeout from the absolute pre-auth deadline to the idle rule (sticky).</summary>
    protected void MarkAuthenticated() => _hasAuthenticated = true;

    public bool Send(byte[] message) => !IsTerminated && Sender.TrySend(message);

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
        var authenticate = new OnAuthenticatePayload
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
            Token = token,
        };
        await Services.Hooks.RunAsync("onAuthenticate", authenticate, static (x, p) => x.OnAuthenticate(p)).ConfigureAwait(false);
        config.IsAuthenticated = true;
        MarkAuthenticated();
        return connect;
    }

    /// <summary>Runs the socket until it closes, then closes every document connection.</summary>
    public async Task RunAsync(CancellationToken stopping)
    {
        // one timer for all sockets checks the timeouts (SessionTracker), none per socket
        Services.Sessions.Add(this);
        SyncServerTelemetry.Sockets.Add(1);
        try
        {
            await OnOpenAsync().ConfigureAwait(false);
            await ReceiveLoopAsync(stopping).ConfigureAwait(false);
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or IOException or ObjectDisposedException)
        {
            // the peer vanished or the server stops
        }
        finally
        {
            await OnSocketClosedAsync().ConfigureAwait(false);
            Sender.Close(CloseCodes.Normal, "", discardQueued: false);
            await Task.WhenAny(Sender.Completion, Task.Delay(TimeSpan.FromSeconds(2), CancellationToken.None)).ConfigureAwait(false);
            _socket.Abort();
            Services.Sessions.Remove(this);
            SyncServerTelemetry.Sockets.Add(-1);
            Services.Logger.SocketClosed(SocketId);
        }
    }

    private async Task ReceiveLoopAsync(CancellationToken stopping)
    {
        // no cancellation token per receive (it costs a registration each time): stopping aborts the socket
        using var abort = stopping.UnsafeRegister(static s => ((WebSocket)s!).Abort(), _socket);
        var handled = 0;
        try
        {
            // after a termination the loop keeps reading (and ignoring) until the peer answers the close frame
            while (true)
            {
                // wait for the next frame without holding a buffer: an idle socket costs no receive memory
                var next = _socket.ReceiveAsync(Memory<byte>.Empty, CancellationToken.None);
                if (!next.IsCompleted || ++handled >= FramesPerTurn)
                {
                    // the end of a turn: send what the frames handled so far changed, before waiting
                    handled = 0;
                    BroadcastTurn.FlushDeferred();
                }

                var head = await next.ConfigureAwait(false);
                if (head.MessageType == WebSocketMessageType.Close)
                {
                    return;
                }

                var frame = await ReadMessageAsync(head).ConfigureAwait(false);
                if (frame is null || IsTerminated)
                {
                    continue;
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
        finally
        {
            BroadcastTurn.FlushDeferred();
        }
    }

    /// <summary>Reads the rest of a message whose first frame header arrived; null when it is dropped (text, too big, after termination).</summary>
    private async ValueTask<byte[]?> ReadMessageAsync(ValueWebSocketReceiveResult head)
    {
        if (head.EndOfMessage)
        {
            return Accept(head.MessageType, []);
        }

        // a pooled buffer only while a message is being read; a writer only while a message spans several reads
        var buffer = ArrayPool<byte>.Shared.Rent(4 * 1024);
        ArrayBufferWriter<byte>? message = null;
        try
        {
            var size = 0;
            while (true)
            {
                var result = await _socket.ReceiveAsync(buffer.AsMemory(), CancellationToken.None).ConfigureAwait(false);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    throw new WebSocketException(WebSocketError.ConnectionClosedPrematurely);
                }

                size += result.Count;
                var tooBig = size > Options.MaxMessageBytes;
                if (!tooBig && !IsTerminated && head.MessageType != WebSocketMessageType.Text)
                {
                    if (message is null && result.EndOfMessage)
                    {
                        return buffer.AsSpan(0, result.Count).ToArray();
                    }

                    message ??= new ArrayBufferWriter<byte>(Math.Max(16 * 1024, result.Count));
                    message.Write(buffer.AsSpan(0, result.Count));
                }

                if (tooBig && !IsTerminated)
                {
                    Terminate(CloseCodes.MessageTooBig, "Message Too Big", null);
                }

                if (result.EndOfMessage)
                {
                    return tooBig ? null : Accept(head.MessageType, message?.WrittenSpan.ToArray() ?? []);
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private byte[]? Accept(WebSocketMessageType type, byte[] frame)
    {
        if (IsTerminated)
        {
            return null;
        }

        if (type == WebSocketMessageType.Text)
        {
            Terminate(CloseCodes.UnsupportedData, "Unsupported Data", null);
            return null;
        }

        return frame;
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
        while (_socket.State is WebSocketState.Open or WebSocketState.CloseSent && !deadline.IsCompleted)
        {
            await Task.WhenAny(deadline, Task.Delay(20, CancellationToken.None)).ConfigureAwait(false);
        }

        _socket.Abort();
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
