using System.Net.WebSockets;
using System.Threading.Channels;
using Collab.SyncServer.Protocol;
using Collab.Yjs.Lib0;
using Collab.Yjs.Protocols;

namespace Collab.Tests.SyncServer.Support;

/// <summary>A raw WebSocket client that speaks the Hocuspocus (or y-websocket) protocol byte by byte.</summary>
internal sealed class ProtocolClient : IAsyncDisposable
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private readonly ClientWebSocket _socket;
    private readonly Channel<byte[]> _received = Channel.CreateUnbounded<byte[]>();
    private readonly Task _reader;

    private ProtocolClient(ClientWebSocket socket)
    {
        _socket = socket;
        _reader = Task.Run(ReadAsync);
    }

    public WebSocketCloseStatus? CloseStatus => _socket.CloseStatus;

    public string? CloseDescription => _socket.CloseStatusDescription;

    public static async Task<ProtocolClient> ConnectAsync(Uri uri)
    {
        var socket = new ClientWebSocket();
        await socket.ConnectAsync(uri, TestContext.Current.CancellationToken).WaitAsync(Patience, TestContext.Current.CancellationToken);
        return new ProtocolClient(socket);
    }

    public Task SendAsync(byte[] frame) =>
        _socket.SendAsync(frame, WebSocketMessageType.Binary, true, TestContext.Current.CancellationToken).WaitAsync(Patience, TestContext.Current.CancellationToken);

    public Task SendTextAsync(string text) =>
        _socket.SendAsync(System.Text.Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, TestContext.Current.CancellationToken);

    /// <summary>The next frame from the server.</summary>
    public async Task<byte[]> ReceiveAsync(TimeSpan? timeout = null) =>
        await _received.Reader.ReadAsync(TestContext.Current.CancellationToken).AsTask().WaitAsync(timeout ?? Patience, TestContext.Current.CancellationToken);

    /// <summary>The next frame from the server, or null when none arrives within <paramref name="timeout"/> (and then none is lost).</summary>
    public async Task<byte[]?> TryReceiveAsync(TimeSpan timeout)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        cts.CancelAfter(timeout);
        try
        {
            return await _received.Reader.ReadAsync(cts.Token);
        }
        catch (OperationCanceledException) when (!TestContext.Current.CancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }

    /// <summary>Reads frames until one parses as a Hocuspocus message matching <paramref name="match"/>.</summary>
    public async Task<InboundMessage> WaitForAsync(Func<InboundMessage, bool> match, TimeSpan? timeout = null)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        cts.CancelAfter(timeout ?? Patience);
        while (true)
        {
            var frame = await _received.Reader.ReadAsync(cts.Token);
            if (frame.Length == 1)
            {
                continue;
            }

            var message = InboundMessage.Parse(frame);
            if (match(message))
            {
                return message;
            }
        }
    }

    /// <summary>Reads frames until each predicate matched one of them (in any order); returns the matches in predicate order.</summary>
    public async Task<InboundMessage[]> WaitForAllAsync(params Func<InboundMessage, bool>[] matches)
    {
        var found = new InboundMessage?[matches.Length];
        while (found.Any(f => f is null))
        {
            var message = await WaitForAsync(m => Enumerable.Range(0, matches.Length).Any(i => found[i] is null && matches[i](m)));
            var index = Enumerable.Range(0, matches.Length).First(i => found[i] is null && matches[i](message));
            found[index] = message;
        }

        return [.. found.Select(f => f!.Value)];
    }

    public Task<InboundMessage> WaitForAsync(MessageType type, TimeSpan? timeout = null) => WaitForAsync(m => m.Type == type, timeout);

    /// <summary>True when no frame arrives within <paramref name="quiet"/>.</summary>
    public async Task<bool> StaysQuietAsync(TimeSpan quiet)
    {
        try
        {
            await _received.Reader.ReadAsync(TestContext.Current.CancellationToken).AsTask().WaitAsync(quiet, TestContext.Current.CancellationToken);
            return false;
        }
        catch (TimeoutException)
        {
            return true;
        }
    }

    /// <summary>Waits until the server closed the socket and returns the close code.</summary>
    public async Task<int> WaitForCloseAsync(TimeSpan? timeout = null)
    {
        await _reader.WaitAsync(timeout ?? Patience, TestContext.Current.CancellationToken);
        return (int)(_socket.CloseStatus ?? (WebSocketCloseStatus)1006);
    }

    /// <summary>Authenticates a document and returns the Authenticated/PermissionDenied answer.</summary>
    public async Task<(AuthMessageType Type, string Text)> AuthenticateAsync(string address, string token = "")
    {
        await SendAsync(Messages.Auth(address, token));
        var answer = await WaitForAsync(m => m.Address == address && m.Type == MessageType.Auth);
        var d = new Lib0Decoder(answer.Frame);
        d.ReadVarString();
        d.ReadVarUInt();
        var type = (AuthMessageType)d.ReadVarUInt();
        return (type, d.HasContent ? d.ReadVarString() : "");
    }

    /// <summary>Authenticates and syncs an empty client document; returns the server's SyncStep2 update.</summary>
    public async Task<byte[]> JoinAsync(string address, string token = "")
    {
        var (type, text) = await AuthenticateAsync(address, token);
        Assert.True(type == AuthMessageType.Authenticated, $"expected Authenticated, got {type} {text}");
        await SendAsync(Messages.Sync(address, SyncMessage.SyncStep1([0])));
        var step2 = await WaitForAsync(m => m.Address == address && m.Type == MessageType.Sync && m.ReadSync().Type == SyncMessageType.SyncStep2);
        return step2.ReadSync().Payload;
    }

    /// <summary>
    /// Proves the server processed every frame sent before: the socket's frames are handled in order, so its SyncStep2
    /// answer to a SyncStep1 for <paramref name="address"/> (a document the socket joined) comes after all of them.
    /// </summary>
    public async Task RoundTripAsync(string address)
    {
        await SendAsync(Messages.Sync(address, SyncMessage.SyncStep1([0])));
        await WaitForAsync(m => m.Address == address && m.Type == MessageType.Sync && m.ReadSync().Type == SyncMessageType.SyncStep2);
    }

    private async Task ReadAsync()
    {
        var buffer = new byte[1 << 16];
        using var message = new MemoryStream();
        try
        {
            while (true)
            {
                var result = await _socket.ReceiveAsync(buffer, CancellationToken.None);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    if (_socket.State == WebSocketState.CloseReceived)
                    {
                        await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", CancellationToken.None);
                    }

                    return;
                }

                message.Write(buffer, 0, result.Count);
                if (result.EndOfMessage)
                {
                    _received.Writer.TryWrite(message.ToArray());
                    message.SetLength(0);
                }
            }
        }
        catch (Exception e) when (e is WebSocketException or ObjectDisposedException or OperationCanceledException)
        {
        }
        finally
        {
            _received.Writer.TryComplete();
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_socket.State == WebSocketState.Open)
            {
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", cts.Token);
            }

            await _reader.WaitAsync(TimeSpan.FromSeconds(3));
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or TimeoutException)
        {
        }

        _socket.Dispose();
    }
}
