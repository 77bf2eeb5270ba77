using System.Threading.Channels;
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
public abstract partial class DocumentConnection : ICollabConnection
{
    private const int MaxBacklog = 256;
    private readonly Channel<byte[]> _inbound = Channel.CreateUnbounded<byte[]>(new() { SingleReader = true });
    private readonly TaskCompletionSource _closedSignal = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource? _capacity;
    private int _backlog;
    private int _closing;
    private bool _skipQueued;
    private (int Code, string Reason, bool Notify) _close = (CloseCodes.Normal, "", false);
    private int _started;

    private protected DocumentConnection(SocketSession session, ServerDocument document, ConnectionPayload payload, string address)
    {
        Session = session;
        Document = document;
        Services = session.Services;
        DocumentName = payload.DocumentName;
        Address = address;
        Config = payload.ConnectionConfig;
        Context = payload.Context;
        RequestHeaders = payload.RequestHeaders;
        RequestParameters = payload.RequestParameters;
        Origin = new ConnectionOrigin(this);
    }

    internal SocketSession Session { get; }

    internal ServerDocument Document { get; }

    private protected ConnectionServices Services { get; }

    /// <summary>The origin of every change this connection makes.</summary>
    public ConnectionOrigin Origin { get; }

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
    public Task Closed => _closedSignal.Task;

    internal abstract byte[] EncodeUpdate(byte[] update);

    internal abstract byte[] EncodeAwareness(byte[] update);

    internal abstract byte[] EncodeSync(SyncMessage message);

    private protected abstract void SendSyncStatus(bool applied);

    private protected abstract ValueTask HandleFrameAsync(byte[] frame);

    private protected abstract void NotifyClosed(int code, string reason);

    /// <inheritdoc />
    public abstract void SendStateless(string payload);

    /// <inheritdoc />
    public abstract void RequestToken();

    /// <summary>Queues a message for the socket; false when the socket is closing or overflowed.</summary>
    internal bool Send(byte[] message) => Session.Send(message);

    /// <summary>Starts processing inbound frames (after the queued ones were enqueued).</summary>
    internal void Start()
    {
        if (Interlocked.Exchange(ref _started, 1) == 0)
        {
            SyncServerTelemetry.Connections.Add(1);
            _ = Task.Run(ProcessAsync);
        }
    }

    /// <summary>Queues an inbound frame; the returned task completes when the backlog has room again.</summary>
    internal ValueTask EnqueueAsync(byte[] frame)
    {
        if (IsClosed || !_inbound.Writer.TryWrite(frame))
        {
            return default;
        }

        if (Interlocked.Increment(ref _backlog) < MaxBacklog)
        {
            return default;
        }

        var capacity = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Volatile.Write(ref _capacity, capacity);
        if (Volatile.Read(ref _backlog) < MaxBacklog / 2 || IsClosed)
        {
            capacity.TrySetResult();
        }

        return WaitForCapacityAsync(capacity.Task);
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
        _inbound.Writer.TryComplete();
        Volatile.Read(ref _capacity)?.TrySetResult();
        // a connection closed before it started still runs its close sequence
        Start();

        return Closed;
    }

    private async Task ProcessAsync()
    {
        try
        {
            await foreach (var frame in _inbound.Reader.ReadAllAsync().ConfigureAwait(false))
            {
                if (Interlocked.Decrement(ref _backlog) < MaxBacklog / 2)
                {
                    Volatile.Read(ref _capacity)?.TrySetResult();
                }

                if (_skipQueued && IsClosed)
                {
                    continue;
                }

                await ProcessFrameAsync(frame).ConfigureAwait(false);
            }
        }
        finally
        {
            await FinishCloseAsync().ConfigureAwait(false);
        }
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
            _closedSignal.TrySetResult();
        }
    }
}
