using Collab.SyncServer.Documents;
using Collab.SyncServer.Hooks;
using Collab.SyncServer.Protocol;
using Collab.SyncServer.Telemetry;
using Collab.Yjs.Protocols;

namespace Collab.SyncServer.Connections;

/// <summary>
/// A plain y-websocket client (one socket per document, no address, no SyncStatus/Stateless/CLOSE, protocol.md §6).
/// </summary>
internal sealed class YWebsocketConnection(SocketSession session, ServerDocument document, ConnectionPayload payload)
    : DocumentConnection(session, document, payload, string.Empty)
{
    public override ConnectionKind Kind => ConnectionKind.YWebsocket;

    internal override byte[] EncodeUpdate(byte[] update) => YWebsocketMessages.Sync(SyncMessage.Update(update));

    internal override byte[] EncodeAwareness(byte[] update) => YWebsocketMessages.Awareness(update);

    internal override byte[] EncodeSync(SyncMessage message) => YWebsocketMessages.Sync(message);

    private protected override void SendSyncStatus(bool applied)
    {
    }

    public override void SendStateless(string payload)
    {
    }

    public override void RequestToken()
    {
    }

    // no in-band CLOSE in this protocol: the socket itself ends
    private protected override void NotifyClosed(int code, string reason) => Session.Terminate(code, reason, null, discardQueued: false);

    private protected override async ValueTask HandleFrameAsync(byte[] frame)
    {
        var (type, sync, awareness) = YWebsocketMessages.Read(frame);
        switch (type)
        {
            case YWebsocketMessageType.Sync:
                await HandleSyncAsync(sync, answerWithStep1: false).ConfigureAwait(false);
                break;
            case YWebsocketMessageType.Awareness:
                await HandleAwarenessAsync(awareness!).ConfigureAwait(false);
                break;
            case YWebsocketMessageType.QueryAwareness:
                HandleQueryAwareness();
                break;
            default:
                if (Session.TakeLogLine())
                {
                    Services.Logger.UnknownMessage((ulong)type, DocumentName);
                }
                break;
        }
    }
}
