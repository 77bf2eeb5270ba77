using Collab.Yjs.Lib0;
using Collab.Yjs.Protocols;

namespace Collab.SyncServer.Protocol;

/// <summary>The plain y-websocket framing (protocol.md §6.2): <c>varUint(type) • body</c>, no address.</summary>
public static class YWebsocketMessages
{
    /// <summary>Sync message.</summary>
    public static byte[] Sync(SyncMessage message)
    {
        var e = new Lib0Encoder(message.Payload.Length + 8);
        e.WriteVarUInt((ulong)YWebsocketMessageType.Sync);
        message.Write(e);
        return e.ToArray();
    }

    /// <summary>Awareness message.</summary>
    public static byte[] Awareness(ReadOnlySpan<byte> update)
    {
        var e = new Lib0Encoder(update.Length + 6);
        e.WriteVarUInt((ulong)YWebsocketMessageType.Awareness);
        e.WriteVarUInt8Array(update);
        return e.ToArray();
    }

    /// <summary>Permission denied with a reason.</summary>
    public static byte[] PermissionDenied(string reason)
    {
        var e = new Lib0Encoder(reason.Length + 4);
        e.WriteVarUInt((ulong)YWebsocketMessageType.Auth);
        e.WriteVarUInt(0);
        e.WriteVarString(reason);
        return e.ToArray();
    }

    /// <summary>Reads the type and, for sync and awareness, the body of an inbound frame.</summary>
    /// <exception cref="ProtocolException">The frame is malformed (1007).</exception>
    public static (YWebsocketMessageType Type, SyncMessage Sync, byte[]? Awareness) Read(byte[] frame)
    {
        try
        {
            var d = new Lib0Decoder(frame);
            var type = d.ReadVarUInt();
            return type switch
            {
                0 => (YWebsocketMessageType.Sync, SyncMessage.Read(d), null),
                1 => (YWebsocketMessageType.Awareness, default, d.ReadVarUInt8Array()),
                <= 3 => ((YWebsocketMessageType)type, default, null),
                _ => ((YWebsocketMessageType)(-1), default, null),
            };
        }
        catch (YjsDecodingException e)
        {
            throw ProtocolException.Malformed("Malformed Message", e);
        }
    }
}
