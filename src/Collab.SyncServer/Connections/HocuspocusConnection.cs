using Collab.SyncServer.Documents;
using Collab.SyncServer.Hooks;
using Collab.SyncServer.Protocol;
using Collab.SyncServer.Telemetry;
using Collab.Yjs.Protocols;

namespace Collab.SyncServer.Connections;

/// <summary>A document connection of a Hocuspocus provider: every message carries the connection's address.</summary>
internal sealed class HocuspocusConnection(SocketSession session, ServerDocument document, ConnectionPayload payload, string address)
    : DocumentConnection(session, document, payload, address)
{
    public override ConnectionKind Kind => ConnectionKind.Hocuspocus;

    internal override byte[] EncodeUpdate(byte[] update) => OutboundMessages.Sync(Address, SyncMessage.Update(update));

    internal override byte[] EncodeAwareness(byte[] update) => OutboundMessages.Awareness(Address, update);

    internal override byte[] EncodeSync(SyncMessage message) => OutboundMessages.Sync(Address, message);

    private protected override void SendSyncStatus(bool applied) => Send(OutboundMessages.SyncStatus(Address, applied));

    // one SyncStatus per change (the provider counts them), written together
    private protected override void SendSyncStatuses(int count) => Send(OutboundMessages.SyncStatus(Address, true), count);

    public override void SendStateless(string payload) => Send(OutboundMessages.Stateless(Address, payload));

    public override void RequestToken() => Send(OutboundMessages.TokenRequest(Address));

    private protected override void NotifyClosed(int code, string reason) => Send(OutboundMessages.Close(Address, reason));

    private protected override async ValueTask HandleFrameAsync(byte[] frame)
    {
        var message = InboundMessage.Parse(frame);
        if (message.DocumentName != DocumentName)
        {
            return;
        }

        switch (message.Type)
        {
            case MessageType.Sync:
                await HandleSyncAsync(message.ReadSync(), answerWithStep1: true).ConfigureAwait(false);
                break;
            case MessageType.SyncReply:
                await HandleSyncAsync(message.ReadSync(), answerWithStep1: false).ConfigureAwait(false);
                break;
            case MessageType.Awareness:
                await HandleAwarenessAsync(message.ReadAwareness()).ConfigureAwait(false);
                break;
            case MessageType.QueryAwareness:
                HandleQueryAwareness();
                break;
            case MessageType.Stateless:
                HandleStateless(message.ReadStateless());
                break;
            case MessageType.Auth:
                var (type, token, _) = message.ReadAuth();
                if (type == AuthMessageType.Token)
                {
                    await HandleTokenSyncAsync(token).ConfigureAwait(false);
                }

                break;
            case MessageType.BroadcastStateless:
                // since 4.1.1 clients may not broadcast to everybody
                throw new CollabRejectException(CloseCodes.ResetConnection, "Reset Connection");
            case MessageType.Close:
                // the provider detached (§5.4.8): close with 1000 "provider_initiated" and, like the reference, answer with
                // a CLOSE carrying that reason; the session no longer routes frames here
                _ = BeginClose(CloseCodes.Normal, "provider_initiated", notify: true, drain: false);
                break;
            default:
                if (Session.TakeLogLine())
                {
                    Services.Logger.UnknownMessage(message.RawType, DocumentName);
                }
                break;
        }
    }
}
