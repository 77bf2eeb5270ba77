using Collab.Yjs.Lib0;
using Collab.Yjs.Protocols;

namespace Collab.SyncServer.Protocol;

/// <summary>Encoders of the messages the server sends to Hocuspocus providers (protocol.md §5.4).</summary>
public static class OutboundMessages
{
    /// <summary>The scope string of read-write connections.</summary>
    public const string ReadWriteScope = "read-write";

    /// <summary>The scope string of read-only connections.</summary>
    public const string ReadOnlyScope = "readonly";

    /// <summary>The single-byte Ping.</summary>
    public static readonly byte[] Ping = [(byte)MessageType.Ping];

    private static Lib0Encoder Start(string address, MessageType type, int bodyHint)
    {
        var e = new Lib0Encoder(address.Length + bodyHint + 8);
        e.WriteVarString(address);
        e.WriteVarUInt((ulong)type);
        return e;
    }

    /// <summary>Sync message.</summary>
    public static byte[] Sync(string address, SyncMessage message)
    {
        var e = Start(address, MessageType.Sync, message.Payload.Length + 6);
        message.Write(e);
        return e.ToArray();
    }

    /// <summary>Awareness message.</summary>
    public static byte[] Awareness(string address, ReadOnlySpan<byte> update)
    {
        var e = Start(address, MessageType.Awareness, update.Length + 5);
        e.WriteVarUInt8Array(update);
        return e.ToArray();
    }

    /// <summary>Auth/Authenticated with the scope.</summary>
    public static byte[] Authenticated(string address, bool readOnly)
    {
        var e = Start(address, MessageType.Auth, 12);
        e.WriteVarUInt((ulong)AuthMessageType.Authenticated);
        e.WriteVarString(readOnly ? ReadOnlyScope : ReadWriteScope);
        return e.ToArray();
    }

    /// <summary>Auth/PermissionDenied with a reason.</summary>
    public static byte[] PermissionDenied(string address, string reason)
    {
        var e = Start(address, MessageType.Auth, reason.Length + 4);
        e.WriteVarUInt((ulong)AuthMessageType.PermissionDenied);
        e.WriteVarString(reason);
        return e.ToArray();
    }

    /// <summary>Auth/Token without a token: asks the provider for a fresh one.</summary>
    public static byte[] TokenRequest(string address)
    {
        var e = Start(address, MessageType.Auth, 1);
        e.WriteVarUInt((ulong)AuthMessageType.Token);
        return e.ToArray();
    }

    /// <summary>Stateless message.</summary>
    public static byte[] Stateless(string address, string payload)
    {
        var e = Start(address, MessageType.Stateless, payload.Length + 4);
        e.WriteVarString(payload);
        return e.ToArray();
    }

    /// <summary>In-band CLOSE of a document connection.</summary>
    public static byte[] Close(string address, string reason)
    {
        var e = Start(address, MessageType.Close, reason.Length + 4);
        e.WriteVarString(reason);
        return e.ToArray();
    }

    /// <summary>SyncStatus: 1 = applied, 0 = rejected.</summary>
    public static byte[] SyncStatus(string address, bool applied)
    {
        var e = Start(address, MessageType.SyncStatus, 1);
        e.WriteVarUInt(applied ? 1UL : 0UL);
        return e.ToArray();
    }
}
