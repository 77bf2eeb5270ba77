using System.Diagnostics;
using System.Net.WebSockets;
using Collab.LoadGen.Measurement;
using Collab.LoadGen.Protocol;
using Collab.Yjs;

namespace Collab.LoadGen.Clients;

/// <summary>
/// One simulated Hocuspocus provider on its own WebSocket: Auth, SyncStep1, answers the server's SyncStep1 with
/// SyncStep2, applies SyncStep2/Update, and sends one Yjs update per text insert.
/// </summary>
internal sealed partial class SyncClient : IAsyncDisposable
{
    private readonly ClientWebSocket _socket = new();
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource _synced = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Doc _doc;
    private readonly YText _text;
    private readonly DocumentGroup _group;
    private readonly int _index;
    private readonly int[] _cursors;
    private readonly RunMetrics _metrics;
    private readonly ClientSettings _settings;
    private readonly Random _random;
    private readonly List<byte[]> _pending = [];
    private byte[]? _localUpdate;
    private long _nextClock;
    private ulong _awarenessClock;
    private Task _receiveLoop = Task.CompletedTask;
    private volatile bool _closing;

    // Inserts sent and not yet acknowledged, in order: both servers answer every update with one SyncStatus, in order.
    private readonly Queue<(long Sent, bool Measured)> _awaitingAck = new();

    public SyncClient(DocumentGroup group, int index, RunMetrics metrics, ClientSettings settings)
    {
        _group = group;
        _index = index;
        _metrics = metrics;
        _settings = settings;
        _cursors = new int[group.ClientIds.Length];
        _random = new Random((int)group.ClientIds[index]);
        _doc = new Doc(new DocOptions { ClientId = group.ClientIds[index] });
        _text = _doc.GetText("content");
        Sink = new DeliverySink(metrics);
    }

    public DeliverySink Sink { get; }

    public bool IsSynced => _synced.Task.IsCompletedSuccessfully;

    public bool IsOpen => _socket.State == WebSocketState.Open && !_closing;

    public WebSocketState State => _socket.State;

    /// <summary>The replica this client connects to (0 with one server).</summary>
    public int Replica => _group.Replicas[_index];

    /// <summary>Connects and completes the handshake (the server's SyncStep2 received).</summary>
    public async Task ConnectAsync(Uri uri, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_settings.HandshakeTimeout);
        _socket.Options.KeepAliveInterval = TimeSpan.Zero;
        try
        {
            await _socket.ConnectAsync(uri, timeout.Token);
        }
        catch (Exception error) when (error is WebSocketException or HttpRequestException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            throw new HandshakeException(timeout.IsCancellationRequested ? "connect timeout" : $"connect failed: {Describe(error)}");
        }

        _receiveLoop = Task.Run(() => ReceiveLoopAsync(_stop.Token), CancellationToken.None);
        byte[] stateVector;
        lock (_doc)
        {
            stateVector = _doc.EncodeStateVector();
        }

        await SendAsync(HocuspocusCodec.Auth(_group.Name, _settings.Token), timeout.Token);
        await SendAsync(HocuspocusCodec.SyncStep1(_group.Name, stateVector), timeout.Token);
        if (_settings.Awareness)
        {
            await SendAwarenessAsync(timeout.Token);
        }

        try
        {
            await _synced.Task.WaitAsync(timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new HandshakeException("handshake timeout");
        }

        _group.CountSynced();
    }

    /// <summary>Inserts text at a random position and sends the resulting update (one insert per update).</summary>
    public async Task SendInsertAsync(string content, CancellationToken cancellationToken)
    {
        // the send lock first: cancelling the wait for it (the end of the window) leaves nothing logged. An insert
        // logged and then not sent would be reported as undelivered by every other client of the document.
        await _sendLock.WaitAsync(cancellationToken);
        try
        {
            await SendLockedAsync(BuildInsert(content));
        }
        finally
        {
            _sendLock.Release();
        }
    }

    /// <summary>Makes the insert in the client's document, logs it as sent now and returns its message.</summary>
    private byte[] BuildInsert(string content)
    {
        byte[] message;
        lock (_doc)
        {
            ApplyPending();
            // Observed only around local inserts: with a handler attached the document encodes every remote
            // transaction as an update too, which a receiving client has no use for.
            _localUpdate = null;
            _doc.Update += CaptureLocalUpdate;
            try
            {
                _text.Insert(_random.Next(_text.Length + 1), content);
            }
            finally
            {
                _doc.Update -= CaptureLocalUpdate;
            }

            var update = _localUpdate ?? throw new InvalidOperationException("the insert produced no update");
            message = HocuspocusCodec.Update(_group.Name, update);
            var clock = _nextClock;
            _nextClock += content.Length;
            var measured = _metrics.CountSend(_group.Synced - 1);
            var now = Stopwatch.GetTimestamp();
            _group.Logs[_index].Append(clock, now, measured);
            lock (_awaitingAck)
            {
                _awaitingAck.Enqueue((now, measured));
            }
        }

        return message;
    }

    /// <summary>Renews the awareness state (like a provider every 15 s) or, without awareness, sends QueryAwareness.</summary>
    public Task SendKeepAliveAsync(CancellationToken cancellationToken) =>
        _settings.Awareness ? SendAwarenessAsync(cancellationToken) : SendAsync(HocuspocusCodec.QueryAwareness(_group.Name), cancellationToken);

    /// <summary>Measured inserts of the other clients this client never received.</summary>
    public long Undelivered()
    {
        var (local, cross) = UndeliveredByReplica();
        return local + cross;
    }

    /// <summary>Measured inserts this client never received, from senders on its own replica and on others.</summary>
    public (long Local, long Cross) UndeliveredByReplica()
    {
        var (local, cross) = (0L, 0L);
        for (var sender = 0; sender < _cursors.Length; sender++)
        {
            if (sender == _index)
            {
                continue;
            }

            var missing = _group.Logs[sender].MeasuredFrom(_cursors[sender]);
            if (_group.CrossReplica(sender, _index))
            {
                cross += missing;
            }
            else
            {
                local += missing;
            }
        }

        return (local, cross);
    }

    /// <summary>One line per sender whose measured inserts this client is missing (for diagnosing lost updates).</summary>
    public IEnumerable<string> DescribeUndelivered()
    {
        for (var sender = 0; sender < _cursors.Length; sender++)
        {
            var missing = sender == _index ? 0 : _group.Logs[sender].MeasuredFrom(_cursors[sender]);
            if (missing > 0)
            {
                var replicas = _group.ReplicaCount > 1 ? $" (replica {Replica} from replica {_group.Replicas[sender]})" : "";
                yield return $"{_group.Name}: client {_index} (open: {IsOpen}) is missing {missing} insert(s) of client {sender} ({_group.ClientIds[sender]}) from its log entry {_cursors[sender]}{replicas}";
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _closing = true;
        if (_socket.State == WebSocketState.Open)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            try
            {
                await _sendLock.WaitAsync(timeout.Token);
                await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "load generator done", timeout.Token);
                await _receiveLoop.WaitAsync(timeout.Token);
            }
            catch (Exception error) when (error is WebSocketException or OperationCanceledException or TimeoutException)
            {
            }
        }

        await _stop.CancelAsync();
        _socket.Abort();
        await _receiveLoop.WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _socket.Dispose();
        _stop.Dispose();
    }

    private void CaptureLocalUpdate(object? sender, UpdateEventArgs e) => _localUpdate = e.Update;

    private Task SendAwarenessAsync(CancellationToken cancellationToken)
    {
        var clock = Interlocked.Increment(ref _awarenessClock);
        var state = "{\"user\":{\"name\":\"loadgen-" + _index.ToString(System.Globalization.CultureInfo.InvariantCulture) + "\",\"color\":\"#3366ff\"}}";
        return SendAsync(HocuspocusCodec.Awareness(_group.Name, _group.ClientIds[_index], clock, state), cancellationToken);
    }

    private async Task SendAsync(byte[] message, CancellationToken cancellationToken)
    {
        await _sendLock.WaitAsync(cancellationToken);
        try
        {
            await SendLockedAsync(message);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    // Cancelling a pending ClientWebSocket send aborts the socket: a caller that stops sending (end of the window)
    // must not take the connection down with an update stuck behind server backpressure, so only closing stops it.
    private Task SendLockedAsync(byte[] message) =>
        _socket.SendAsync(message, WebSocketMessageType.Binary, endOfMessage: true, _stop.Token);
}
