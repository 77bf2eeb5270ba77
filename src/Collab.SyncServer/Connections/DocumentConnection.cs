using Collab.SyncServer.Documents;
using Collab.SyncServer.Hooks;
using Collab.SyncServer.Protocol;
using Collab.SyncServer.Telemetry;
using Collab.Yjs.Protocols;

namespace Collab.SyncServer.Connections;

/// <summary>
/// One client attached to one document. Inbound frames are processed strictly one after another (with their
/// awaited hooks); frames for other documents of the same socket run independently (protocol.md §7.2.6).
/// </summary>
public abstract partial class DocumentConnection : ICollabConnection, IFlushable
{
    private const int MaxBacklog = 256;
    private Queue<byte[]>? _inbound; // frames waiting behind one whose handling awaits (or before the start); none most of the time
    private readonly Queue<long> _acks = new(); // also the lock of the inbound state (one lock object less per connection)
    private bool _draining;
    private TaskCompletionSource? _closedSignal;
    private ConnectionOrigin? _origin; // made at the first change: connections that only read never need one
    private TaskCompletionSource? _capacity;
    private int _closing;
    private bool _skipQueued;
    private (int Code, string Reason, bool Notify) _close = (CloseCodes.Normal, "", false);
    private bool _started;
    private bool _running;
    private bool _finished;

    private protected DocumentConnection(SocketSession session, ServerDocument document, ConnectionPayload payload, string address)
    {
        Session = session;
        Document = document;
        Services = session.Services;
        // the document's own name instance: thousands of connections need no copies of it
        DocumentName = document.Name == payload.DocumentName ? document.Name : payload.DocumentName;
        Address = address == DocumentName ? DocumentName : address;
        Config = payload.ConnectionConfig;
        Context = payload.Context;
        RequestHeaders = payload.RequestHeaders;
        RequestParameters = payload.RequestParameters;
    }

    internal SocketSession Session { get; }

    internal ServerDocument Document { get; }

    private protected ConnectionServices Services { get; }

    /// <summary>The origin of every change this connection makes.</summary>
    public ConnectionOrigin Origin => _origin ?? Interlocked.CompareExchange(ref _origin, new ConnectionOrigin(this), null) ?? _origin;

    /// <inheritdoc />
    public string SocketId => Session.SocketId;

    /// <inheritdoc />
    public string DocumentName { get; }

    /// <inheritdoc />
    public string Address { get; }

    /// <inheritdoc />
    public abstract ConnectionKind Kind { get; }

    /// <inheritdoc />
    public ConnectionConfig Config { get; }

    /// <inheritdoc />
    public IDictionary<string, object?> Context { get; }

    /// <inheritdoc />
    public IHeaderDictionary RequestHeaders { get; }

    /// <inheritdoc />
    public IQueryCollection RequestParameters { get; }

    ICollabDocument ICollabConnection.Document => Document;

    /// <inheritdoc />
    public bool IsClosed => Volatile.Read(ref _closing) != 0;

    /// <summary>Completes when the close sequence (onDisconnect, store/unload decision) finished.</summary>
    public Task Closed => ClosedSignal.Task;

    /// <summary>Created on first use: most connections live long and nobody waits for their close until it begins.</summary>
    private TaskCompletionSource ClosedSignal =>
        LazyInitializer.EnsureInitialized(ref _closedSignal, static () => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));

    internal abstract byte[] EncodeUpdate(byte[] update);

    internal abstract byte[] EncodeAwareness(byte[] update);

    internal abstract byte[] EncodeSync(SyncMessage message);

    private protected abstract void SendSyncStatus(bool applied);

    /// <summary>Acknowledges <paramref name="count"/> changes at once (one write to the socket where the protocol allows).</summary>
    private protected virtual void SendSyncStatuses(int count)
    {
        for (var i = 0; i < count; i++)
        {
            SendSyncStatus(true);
        }
    }

    private protected abstract ValueTask HandleFrameAsync(byte[] frame);

    private protected abstract void NotifyClosed(int code, string reason);

    /// <inheritdoc />
    public abstract void SendStateless(string payload);

    /// <inheritdoc />
    public abstract void RequestToken();

    /// <summary>Queues a message for the socket; false when the socket is closing or overflowed.</summary>
    internal bool Send(byte[] message) => Session.Send(message);

    /// <summary>Sends the echo of this connection's own update with the socket's next message (or after the echo delay).</summary>
    internal bool SendDeferred(byte[] message) => Session.SendDeferred(message);

    internal bool Send(byte[] message, int count) => Session.Send(message, count);

    /// <summary>Starts processing inbound frames (after the queued ones were enqueued).</summary>
    internal void Start()
    {
        lock (_acks)
        {
            if (_started)
            {
                return;
            }

            _started = true;
            SyncServerTelemetry.Connections.Add(1);
            _running = true;
        }

        _ = Task.Run(() => Run(null));
    }

    /// <summary>
    /// Hands an inbound frame over. When the connection is idle the frame is handled right here, on the socket's
    /// receive loop (no thread hop); if its handling has to wait (an asynchronous hook), the rest continues on the
    /// thread pool and frames arriving meanwhile queue up behind it, so the socket's other documents are never held
    /// up. The returned task completes when the backlog has room again.
    /// </summary>
    internal ValueTask EnqueueAsync(byte[] frame)
    {
        lock (_acks)
        {
            if (IsClosed)
            {
                return default;
            }

            if (_running || !_started)
            {
                var inbound = _inbound ??= new Queue<byte[]>();
                inbound.Enqueue(frame);
                if (inbound.Count < MaxBacklog)
                {
                    return default;
                }

                var capacity = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                _capacity = capacity;
                return WaitForCapacityAsync(capacity.Task);
            }

            _running = true;
        }

        Run(frame);
        return default;
    }

    /// <summary>Handles <paramref name="first"/> and then the queue, synchronously until a frame has to wait; runs the close sequence at the end of a closed connection's queue.</summary>
    private void Run(byte[]? first)
    {
        var frame = first;
        while (true)
        {
            if (frame is not null && !(_skipQueued && IsClosed))
            {
                var processing = ProcessFrameAsync(frame);
                if (!processing.IsCompletedSuccessfully)
                {
                    _ = ContinueAsync(processing);
                    return;
                }
            }

            var finish = false;
            lock (_acks)
            {
                if (_inbound is { } inbound && inbound.TryDequeue(out frame))
                {
                    if (inbound.Count < MaxBacklog / 2)
                    {
                        _capacity?.TrySetResult();
                    }

                    continue;
                }

                _inbound = null;

                _running = false;
                if (IsClosed && !_finished)
                {
                    _finished = true;
                    finish = true;
                }
            }

            if (finish)
            {
                _ = FinishCloseAsync();
            }

            return;
        }
    }

    private async Task ContinueAsync(ValueTask processing)
    {
        try
        {
            await processing.ConfigureAwait(false);
        }
        catch (Exception e)
        {
            // ProcessFrameAsync handles its own errors; this is a last resort so the queue never stalls
            if (Session.TakeLogLine())
            {
                Services.Logger.MessageFailed(DocumentName, SocketId, e);
            }
        }

        Run(null);
    }

    private static async ValueTask WaitForCapacityAsync(Task capacity)
    {
        try
        {
            await capacity.WaitAsync(TimeSpan.FromSeconds(30)).ConfigureAwait(false);
        }
        catch (TimeoutException e)
        {
            // the document connection has not made progress for a long time: the socket goes
            throw new ProtocolException(CloseCodes.TryAgainLater, "Too Many Pending Messages", e);
        }
    }

    /// <inheritdoc />
    public void Close(int code = CloseCodes.ResetConnection, string reason = "Reset Connection") =>
        BeginClose(code, reason, notify: true, drain: false);

    /// <summary>Starts the close: pending frames are processed first when <paramref name="drain"/>, dropped otherwise.</summary>
    internal Task BeginClose(int code, string reason, bool notify, bool drain)
    {
        if (Interlocked.Exchange(ref _closing, 1) != 0)
        {
            return Closed;
        }

        _close = (code, reason, notify);
        _skipQueued = !drain;
        bool idle;
        lock (_acks)
        {
            _capacity?.TrySetResult();
            // a connection closed before it started still runs its close sequence
            idle = _started && !_running;
            if (idle)
            {
                _running = true;
            }
        }

        if (idle)
        {
            _ = Task.Run(() => Run(null));
        }
        else
        {
            Start();
        }

        return Closed;
    }

    private async Task FinishCloseAsync()
    {
        try
        {
            var (code, reason, notify) = _close;
            var remaining = Document.Detach(this);
            SyncServerTelemetry.Connections.Add(-1);
            if (notify)
            {
                // before the session forgets the address, so the CLOSE precedes anything a new connection on it sends
                NotifyClosed(code, reason);
            }

            Session.Forget(this);
            Services.Logger.ConnectionClosed(DocumentName, SocketId, code, reason);

            await Services.Hooks.RunLoggedAsync("onDisconnect", new OnDisconnectPayload
            {
                Services = Services.Services,
                DocumentName = DocumentName,
                Document = Document,
                Connection = this,
                ClientsCount = remaining,
                Code = code,
                Reason = reason,
            }, static (x, p) => x.OnDisconnect(p)).ConfigureAwait(false);
            Services.Registry.AfterDisconnect(Document, Services.Options.UnloadImmediately);
        }
        finally
        {
            ClosedSignal.TrySetResult();
        }
    }
}
