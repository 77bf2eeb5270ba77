using Collab.SyncServer.Connections.WebSockets;
using Collab.SyncServer.Documents;
using Collab.SyncServer.Hooks;
using Collab.SyncServer.Protocol;
using Collab.SyncServer.Telemetry;

namespace Collab.SyncServer.Connections;

/// <summary>
/// A plain y-websocket client: the document comes from the URL, the token from the query string
/// (<c>?token=</c>, configurable) or an <c>Authorization: Bearer</c> header; after authentication the server speaks
/// first with its SyncStep1 and the awareness states (protocol.md §6.3, §6.5).
/// </summary>
internal sealed class YWebsocketSession(FrameSocket socket, HttpContext http, ConnectionServices services, string documentName)
    : SocketSession(socket, http, services)
{
    private readonly TaskCompletionSource<DocumentConnection?> _connection = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private DocumentConnection? _established;

    /// <summary>Authenticates and loads on the thread pool: hooks and the document load may block (SQLite), the socket's I/O thread must not.</summary>
    protected override Task OnOpenAsync() => Task.Run(OpenAsync);

    private async Task OpenAsync()
    {
        var config = new ConnectionConfig();
        var context = new Dictionary<string, object?>();
        ServerDocument? reserved = null;
        try
        {
            var connect = await ConnectAndAuthenticateAsync(documentName, Token(), null, ConnectionKind.YWebsocket, config, context).ConfigureAwait(false);
            reserved = await Services.Registry.AcquireAsync(connect).ConfigureAwait(false);
            var connection = new YWebsocketConnection(this, reserved, connect);
            Send(connection.EncodeSync(reserved.CreateSyncStep1()));
            reserved.Attach(connection);
            reserved = null;
            _established = connection;
            connection.Start();
            _connection.TrySetResult(connection);
            Services.Logger.ConnectionOpened(documentName, SocketId);
        }
        catch (Exception e)
        {
            reserved?.Unreserve();
            var (code, reason) = e is CollabRejectException r ? (r.Code, r.Reason) : (CloseCodes.Forbidden, "permission-denied");
            if (TakeLogLine())
            {
                Services.Logger.AuthenticationDenied(documentName, SocketId, reason, e);
            }
            Send(YWebsocketMessages.PermissionDenied(reason));
            _connection.TrySetResult(null);
            Terminate(code is >= 1000 and < 5000 ? code : CloseCodes.Forbidden, reason, null, discardQueued: false);
        }
    }

    private string Token()
    {
        if (Http.Request.Query.TryGetValue(Options.YWebsocketTokenParameter, out var token) && token.Count > 0)
        {
            return token[0] ?? "";
        }

        var authorization = Http.Request.Headers.Authorization.ToString();
        return authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? authorization["Bearer ".Length..].Trim() : "";
    }

    protected override ValueTask OnFrameAsync(byte[] frame) =>
        _established is { } connection ? connection.EnqueueAsync(frame) : default;

    public override void Forget(DocumentConnection connection)
    {
    }

    protected override async Task OnSocketClosedAsync()
    {
        if (await _connection.Task.ConfigureAwait(false) is { } connection)
        {
            await connection.BeginClose(CloseCodes.Normal, "Socket closed", notify: false, drain: !IsTerminated).ConfigureAwait(false);
        }
    }
}
