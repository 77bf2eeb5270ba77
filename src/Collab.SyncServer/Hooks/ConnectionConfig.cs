namespace Collab.SyncServer.Hooks;

/// <summary>Mutable per-connection settings hooks may change (protocol.md §7.2.2).</summary>
public sealed class ConnectionConfig
{
    /// <summary>Read-only connections cannot change the document (§7.6); set it in OnConnect/OnAuthenticate so the client is told "readonly".</summary>
    public bool ReadOnly { get; set; }

    /// <summary>True once authentication succeeded.</summary>
    public bool IsAuthenticated { get; set; }
}

/// <summary>What kind of client a connection serves.</summary>
public enum ConnectionKind
{
    /// <summary>A Hocuspocus provider on a multiplexed socket.</summary>
    Hocuspocus,

    /// <summary>A plain y-websocket client (one socket per document).</summary>
    YWebsocket,

    /// <summary>Server-side code (<c>DirectConnection</c>).</summary>
    Direct,
}
