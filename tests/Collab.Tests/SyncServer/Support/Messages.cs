using Collab.SyncServer.Protocol;
using Collab.Yjs;
using Collab.Yjs.Lib0;
using Collab.Yjs.Protocols;

namespace Collab.Tests.SyncServer.Support;

/// <summary>Client-side Hocuspocus frames and small Yjs helpers for tests.</summary>
internal static class Messages
{
    private static Lib0Encoder Start(string address, MessageType type)
    {
        var e = new Lib0Encoder();
        e.WriteVarString(address);
        e.WriteVarUInt((ulong)type);
        return e;
    }

    public static byte[] Auth(string address, string token, string? version = "4.5.0")
    {
        var e = Start(address, MessageType.Auth);
        e.WriteVarUInt(0);
        e.WriteVarString(token);
        if (version is not null)
        {
            e.WriteVarString(version);
        }

        return e.ToArray();
    }

    public static byte[] Sync(string address, SyncMessage message)
    {
        var e = Start(address, MessageType.Sync);
        message.Write(e);
        return e.ToArray();
    }

    public static byte[] Update(string address, byte[] update) => Sync(address, SyncMessage.Update(update));

    public static byte[] Awareness(string address, byte[] update)
    {
        var e = Start(address, MessageType.Awareness);
        e.WriteVarUInt8Array(update);
        return e.ToArray();
    }

    public static byte[] Stateless(string address, string payload)
    {
        var e = Start(address, MessageType.Stateless);
        e.WriteVarString(payload);
        return e.ToArray();
    }

    public static byte[] Bare(string address, MessageType type) => Start(address, type).ToArray();

    /// <summary>An update inserting <paramref name="text"/> into root text "t" by a fresh client.</summary>
    public static byte[] TextInsert(string text, long clientId = 1)
    {
        var doc = new Doc(new DocOptions { ClientId = clientId });
        doc.GetText("t").Insert(0, text);
        return doc.EncodeStateAsUpdate();
    }

    public static string TextOf(byte[] update)
    {
        var doc = new Doc();
        doc.ApplyUpdate(update);
        return doc.GetText("t").ToString();
    }

    public static byte[] AwarenessState(ulong client, ulong clock, string? json) =>
        AwarenessUpdate.Encode([new AwarenessUpdateEntry(client, clock, json is null ? null : JsJson.Parse(json))]);
}
