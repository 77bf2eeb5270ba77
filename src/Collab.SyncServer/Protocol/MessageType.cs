namespace Collab.SyncServer.Protocol;

/// <summary>Hocuspocus message types (protocol.md §5.3).</summary>
public enum MessageType
{
    /// <summary>A y-protocols sync message.</summary>
    Sync = 0,

    /// <summary>An awareness update.</summary>
    Awareness = 1,

    /// <summary>Token / PermissionDenied / Authenticated.</summary>
    Auth = 2,

    /// <summary>"Send me every awareness state".</summary>
    QueryAwareness = 3,

    /// <summary>Sync between servers (a SyncStep1 inside is answered with SyncStep2 only).</summary>
    SyncReply = 4,

    /// <summary>An application string.</summary>
    Stateless = 5,

    /// <summary>Stateless to every connection (server-internal).</summary>
    BroadcastStateless = 6,

    /// <summary>Close a document connection.</summary>
    Close = 7,

    /// <summary>Acknowledgement of an inbound update.</summary>
    SyncStatus = 8,

    /// <summary>Connection-level ping (single byte).</summary>
    Ping = 9,

    /// <summary>Connection-level pong (single byte).</summary>
    Pong = 10,
}

/// <summary>Sub-types of the Auth message.</summary>
public enum AuthMessageType
{
    /// <summary>C→S token; S→C token request.</summary>
    Token = 0,

    /// <summary>S→C: authentication failed.</summary>
    PermissionDenied = 1,

    /// <summary>S→C: authenticated with a scope.</summary>
    Authenticated = 2,
}

/// <summary>y-websocket message types (protocol.md §6.2).</summary>
public enum YWebsocketMessageType
{
    /// <summary>A y-protocols sync message.</summary>
    Sync = 0,

    /// <summary>An awareness update.</summary>
    Awareness = 1,

    /// <summary>Permission denied (server to client).</summary>
    Auth = 2,

    /// <summary>"Send me every awareness state".</summary>
    QueryAwareness = 3,
}
