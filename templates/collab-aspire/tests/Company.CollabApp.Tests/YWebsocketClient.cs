using System.Net.WebSockets;
using Collab.Yjs;
using Collab.Yjs.Lib0;
using Collab.Yjs.Protocols;

namespace CollabAppNamespace.Tests;

/// <summary>
/// A y-websocket peer over Collab.Yjs: connects to <c>/yws/{document}</c>, syncs its <see cref="Doc"/> with the server
/// and sends its local edits, as the y-websocket provider does. Awareness messages are ignored.
/// </summary>
internal sealed class YWebsocketClient : IAsyncDisposable
{
    private const int MessageSync = 0;
    private readonly ClientWebSocket _socket = new();
    private readonly SemaphoreSlim _sending = new(1, 1);
    private readonly CancellationTokenSource _stop = new();
    private Task _receiving = Task.CompletedTask;

    private YWebsocketClient()
    {
    }

    /// <summary>The client's copy of the document.</summary>
    public Doc Doc { get; } = new();

    /// <summary>Connects, sends sync step 1 and starts applying what the server sends.</summary>
    /// <param name="server">The server's base address (http or ws).</param>
    /// <param name="document">The document name.</param>
    /// <param name="token">A JSON Web Token when the server requires one.</param>
    /// <param name="cancellationToken">Cancels the connection attempt.</param>
    /// <returns>The connected client.</returns>
    public static async Task<YWebsocketClient> ConnectAsync(Uri server, string document, string? token, CancellationToken cancellationToken)
    {
        var client = new YWebsocketClient();
        var address = new UriBuilder(server)
        {
            Scheme = server.Scheme == Uri.UriSchemeHttps ? "wss" : "ws",
            Path = "/yws/" + Uri.EscapeDataString(document),
            Query = token is null ? "" : "token=" + Uri.EscapeDataString(token),
        };
        await client._socket.ConnectAsync(address.Uri, cancellationToken);
        client.Doc.Update += (_, update) =>
        {
            if (update.Origin != client)
            {
                client.Send(SyncMessage.Update(update.Update));
            }
        };
        client._receiving = client.ReceiveAsync();
        client.Send(SyncProtocol.CreateSyncStep1(client.Doc));
        return client;
    }

    /// <summary>
    /// The scenario both test classes run: two clients edit a document and converge, then a third that joins later gets
    /// what they wrote.
    /// </summary>
    /// <param name="server">The server's (or the replicas' proxy's) address.</param>
    /// <param name="document">The document name.</param>
    /// <param name="patience">How long each step may take.</param>
    /// <param name="cancellationToken">Cancels the connections.</param>
    /// <returns>A task that fails with what a client last saw when a step does not complete.</returns>
    public static async Task ShareADocumentAsync(Uri server, string document, TimeSpan patience, CancellationToken cancellationToken)
    {
        await using var alice = await ConnectAsync(server, document, TestTokens.Writer(), cancellationToken);
        await using var bob = await ConnectAsync(server, document, TestTokens.Writer(), cancellationToken);
        alice.Insert("text", 0, "from alice");
        await bob.WaitForTextAsync("text", "from alice", patience);
        bob.Insert("text", 0, "bob and ");
        await alice.WaitForTextAsync("text", "bob and from alice", patience);

        await using var carol = await ConnectAsync(server, document, TestTokens.Writer(), cancellationToken);
        await carol.WaitForTextAsync("text", "bob and from alice", patience);
    }

    /// <summary>Waits until the document's text <paramref name="name"/> reads <paramref name="expected"/>.</summary>
    /// <param name="name">The shared text's name.</param>
    /// <param name="expected">The text to wait for.</param>
    /// <param name="timeout">How long to wait.</param>
    /// <returns>A task that fails with the text last seen when it does not come in time.</returns>
    public async Task WaitForTextAsync(string name, string expected, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            string current;
            lock (Doc)
            {
                current = Doc.GetText(name).ToString();
            }

            if (current == expected)
            {
                return;
            }

            if (_receiving.IsCompleted || DateTime.UtcNow > deadline)
            {
                await _receiving.WaitAsync(TimeSpan.FromSeconds(1)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                throw new TimeoutException($"text '{name}' is '{current}', not '{expected}' (socket {_socket.State}, {_socket.CloseStatus} {_socket.CloseStatusDescription})");
            }

            await Task.Delay(20);
        }
    }

    /// <summary>Waits until the server closes the connection, and returns its close code.</summary>
    /// <param name="timeout">How long to wait.</param>
    /// <returns>The close code the server sent.</returns>
    public async Task<int?> WaitForCloseAsync(TimeSpan timeout)
    {
        await _receiving.WaitAsync(timeout);
        return (int?)_socket.CloseStatus;
    }

    /// <summary>Inserts text, which is sent to the server as an update.</summary>
    /// <param name="name">The shared text's name.</param>
    /// <param name="index">Where to insert.</param>
    /// <param name="text">What to insert.</param>
    public void Insert(string name, int index, string text)
    {
        lock (Doc)
        {
            Doc.GetText(name).Insert(index, text);
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_socket.State == WebSocketState.Open)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "done", timeout.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        await _receiving.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _socket.Dispose();
        _stop.Dispose();
        _sending.Dispose();
    }

    private void Send(SyncMessage message)
    {
        var encoder = new Lib0Encoder();
        encoder.WriteVarUInt(MessageSync);
        message.Write(encoder);
        var frame = encoder.ToArray();
        _ = SendFrameAsync(frame);
    }

    private async Task SendFrameAsync(byte[] frame)
    {
        await _sending.WaitAsync(_stop.Token);
        try
        {
            await _socket.SendAsync(frame, WebSocketMessageType.Binary, endOfMessage: true, _stop.Token);
        }
        finally
        {
            _sending.Release();
        }
    }

    private async Task ReceiveAsync()
    {
        var buffer = new byte[64 * 1024];
        using var message = new MemoryStream();
        while (!_stop.IsCancellationRequested)
        {
            var result = await _socket.ReceiveAsync(buffer, _stop.Token);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return;
            }

            message.Write(buffer, 0, result.Count);
            if (!result.EndOfMessage)
            {
                continue;
            }

            var decoder = new Lib0Decoder(message.ToArray());
            message.SetLength(0);
            if (decoder.ReadVarUInt() != MessageSync)
            {
                continue;
            }

            SyncMessage? reply;
            lock (Doc)
            {
                reply = SyncProtocol.Handle(Doc, SyncMessage.Read(decoder), this);
            }

            if (reply is { } answer)
            {
                Send(answer);
            }
        }
    }
}
