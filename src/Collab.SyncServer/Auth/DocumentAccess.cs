namespace Collab.SyncServer.Auth;

/// <summary>What a client may do with a document.</summary>
public enum DocumentAccess
{
    /// <summary>Nothing: the client is denied.</summary>
    None,

    /// <summary>Read-only: the client receives the document but its changes are not applied.</summary>
    Read,

    /// <summary>Read and write.</summary>
    Write,
}
