using Collab.Yjs.Lib0;

namespace Collab.LoadGen.Protocol;

/// <summary>Message types of the Hocuspocus wire protocol (docs/protocol.md §5.3).</summary>
internal enum MessageType
{
    Sync = 0,
    Awareness = 1,
    Auth = 2,
    QueryAwareness = 3,
    SyncReply = 4,
    Stateless = 5,
    BroadcastStateless = 6,
    Close = 7,
    SyncStatus = 8,
    Ping = 9,
    Pong = 10,
}

/// <summary>Encodes the client-to-server messages a Hocuspocus provider sends (docs/protocol.md §5.4).</summary>
internal static class HocuspocusCodec
{
    public const string ProviderVersion = "4.5.0";

    public static byte[] Pong { get; } = [(byte)MessageType.Pong];

    public static byte[] Auth(string address, string token) => Build(address, MessageType.Auth, e =>
    {
        e.WriteVarUInt(0);
        e.WriteVarString(token);
        e.WriteVarString(ProviderVersion);
    });

    public static byte[] SyncStep1(string address, byte[] stateVector) => Sync(address, 0, stateVector);

    public static byte[] SyncStep2(string address, byte[] update) => Sync(address, 1, update);

    public static byte[] Update(string address, byte[] update) => Sync(address, 2, update);

    public static byte[] QueryAwareness(string address) => Build(address, MessageType.QueryAwareness, static _ => { });

    /// <summary>An Awareness message carrying one client's state (§4.1).</summary>
    public static byte[] Awareness(string address, long clientId, ulong clock, string stateJson) => Build(address, MessageType.Awareness, e =>
    {
        var update = new Lib0Encoder();
        update.WriteVarUInt(1);
        update.WriteVarUInt((ulong)clientId);
        update.WriteVarUInt(clock);
        update.WriteVarString(stateJson);
        e.WriteVarUInt8Array(update.WrittenSpan);
    });

    private static byte[] Sync(string address, int syncType, byte[] payload) => Build(address, MessageType.Sync, e =>
    {
        e.WriteVarUInt((ulong)syncType);
        e.WriteVarUInt8Array(payload);
    });

    private static byte[] Build(string address, MessageType type, Action<Lib0Encoder> body)
    {
        var encoder = new Lib0Encoder();
        encoder.WriteVarString(address);
        encoder.WriteVarUInt((ulong)type);
        body(encoder);
        return encoder.ToArray();
    }
}
