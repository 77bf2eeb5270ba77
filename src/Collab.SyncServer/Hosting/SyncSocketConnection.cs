using System.Collections;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using Collab.SyncServer.Connections.WebSockets;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http.Features;

namespace Collab.SyncServer.Hosting;

/// <summary>
/// A WebSocket upgrade accepted by <see cref="SyncSocketTransport"/>: the socket, a <see cref="SocketInput"/> over it,
/// and just enough of <see cref="ConnectionContext"/> for <see cref="DirectWebSockets"/> to run the handshake and the
/// session. One object is the context, its feature collection and its duplex pipe, because it lives as long as the
/// socket; the dictionaries Kestrel keeps per connection are created only if somebody asks for them.
/// </summary>
internal sealed class SyncSocketConnection : ConnectionContext, IFeatureCollection, IConnectionSocketFeature, IDuplexPipe
{
    private static long s_lastId;

    private readonly long _id = Interlocked.Increment(ref s_lastId);
    private readonly SocketInput _input;
    private readonly CancellationTokenSource _closed = new();
    private string? _connectionId;
    private IDictionary<object, object?>? _items;
    private Dictionary<Type, object>? _features;
    private int _disposed;

    public SyncSocketConnection(Socket socket)
    {
        Socket = socket;
        _input = new SocketInput(socket);
    }

    /// <summary>Neighbours in the listener's list of open connections (guarded by the listener).</summary>
    internal SyncSocketConnection? Previous { get; set; }

    internal SyncSocketConnection? Next { get; set; }

    public Socket Socket { get; }

    public override string ConnectionId
    {
        get => _connectionId ??= $"collab-{_id:x}";
        set => _connectionId = value;
    }

    public override IFeatureCollection Features => this;

    public override IDictionary<object, object?> Items
    {
        get => _items ??= new Dictionary<object, object?>();
        set => _items = value;
    }

    public override IDuplexPipe Transport
    {
        get => this;
        set => throw new NotSupportedException("The transport of a directly served socket cannot be replaced.");
    }

    public override CancellationToken ConnectionClosed
    {
        get => _closed.Token;
        set => throw new NotSupportedException();
    }

    public override EndPoint? LocalEndPoint
    {
        get => Socket.LocalEndPoint;
        set => throw new NotSupportedException();
    }

    public override EndPoint? RemoteEndPoint
    {
        get => Socket.RemoteEndPoint;
        set => throw new NotSupportedException();
    }

    // IDuplexPipe: the session writes through its own DirectSocketWriter (the transport is on only with direct writes);
    // a second writer on the same socket would interleave with it, so there is none
    PipeReader IDuplexPipe.Input => _input;

    PipeWriter IDuplexPipe.Output => throw new NotSupportedException("A directly served socket is written through its session's DirectSocketWriter.");

    // IFeatureCollection

    bool IFeatureCollection.IsReadOnly => false;

    int IFeatureCollection.Revision => 0;

    object? IFeatureCollection.this[Type key]
    {
        get => key == typeof(IConnectionSocketFeature) ? this : _features?.GetValueOrDefault(key);
        set
        {
            if (value is null)
            {
                _features?.Remove(key);
            }
            else
            {
                (_features ??= [])[key] = value;
            }
        }
    }

    TFeature? IFeatureCollection.Get<TFeature>() where TFeature : default => (TFeature?)((IFeatureCollection)this)[typeof(TFeature)];

    void IFeatureCollection.Set<TFeature>(TFeature? instance) where TFeature : default => ((IFeatureCollection)this)[typeof(TFeature)] = instance;

    IEnumerator<KeyValuePair<Type, object>> IEnumerable<KeyValuePair<Type, object>>.GetEnumerator()
    {
        yield return new KeyValuePair<Type, object>(typeof(IConnectionSocketFeature), this);
        foreach (var feature in _features ?? [])
        {
            yield return feature;
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => ((IEnumerable<KeyValuePair<Type, object>>)this).GetEnumerator();

    /// <summary>Drops the connection at once: a receive in progress ends, and the session sees the transport gone.</summary>
    public override void Abort(ConnectionAbortedException abortReason) => Close(graceful: false);

    public override ValueTask DisposeAsync()
    {
        Close(graceful: true);
        return default;
    }

    private void Close(bool graceful)
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        // Socket.Dispose spins while a send batch holds the socket's handle: never on the socket engine's or the
        // flusher's thread, where this may be called
        ThreadPool.UnsafeQueueUserWorkItem(static s => s.Connection.CloseNow(s.Graceful), (Connection: this, Graceful: graceful), preferLocal: false);
    }

    private void CloseNow(bool graceful)
    {
        if (graceful)
        {
            try
            {
                // what was sent leaves before the end of the stream, as with Kestrel's transport
                Socket.Shutdown(SocketShutdown.Both);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                // already reset by the peer
            }
        }

        // the input is left to its reader: returning its buffer here could hand bytes a parse is still reading to
        // another socket's receive
        Socket.Dispose();

        // hooks may have registered on the token (the request's RequestAborted)
        _closed.Cancel();
    }
}
