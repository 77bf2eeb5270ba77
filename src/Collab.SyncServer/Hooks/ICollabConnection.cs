namespace Collab.SyncServer.Hooks;

/// <summary>One document connection: a client (or server code) attached to one document.</summary>
public interface ICollabConnection
{
    /// <summary>Id shared by every document connection of one WebSocket ("server" for direct connections).</summary>
    string SocketId { get; }

    /// <summary>The document name (the address without the session part).</summary>
    string DocumentName { get; }

    /// <summary>The raw address the client uses (document name, or name • NUL • session id).</summary>
    string Address { get; }

    /// <summary>The client kind.</summary>
    ConnectionKind Kind { get; }

    /// <summary>Read-only and authenticated flags.</summary>
    ConnectionConfig Config { get; }

    /// <summary>The connection context, filled by the authentication hooks.</summary>
    IDictionary<string, object?> Context { get; }

    /// <summary>Headers of the upgrade request (empty for direct connections).</summary>
    IHeaderDictionary RequestHeaders { get; }

    /// <summary>Query parameters of the upgrade request (empty for direct connections).</summary>
    IQueryCollection RequestParameters { get; }

    /// <summary>The document.</summary>
    ICollabDocument Document { get; }

    /// <summary>True once the connection was closed.</summary>
    bool IsClosed { get; }

    /// <summary>Sends a Stateless message to this connection (Hocuspocus clients only; ignored otherwise).</summary>
    void SendStateless(string payload);

    /// <summary>Asks the client for a fresh token (answered by a Token message that runs OnTokenSync).</summary>
    void RequestToken();

    /// <summary>Closes this document connection (in-band CLOSE for Hocuspocus, a WebSocket close for y-websocket).</summary>
    void Close(int code = CloseCodes.ResetConnection, string reason = "Reset Connection");
}
