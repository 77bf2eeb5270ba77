namespace Collab.SyncServer.Hooks;

/// <summary>
/// Thrown by a hook to reject: authentication hooks turn it into PermissionDenied with <see cref="Reason"/>;
/// hooks on an established connection close that document connection with <see cref="Code"/> and <see cref="Reason"/>.
/// </summary>
public class CollabRejectException : Exception
{
    /// <summary>Rejects with 4403 "Forbidden" (the reference's default for a hook rejecting without an error).</summary>
    public CollabRejectException() : this(CloseCodes.Forbidden, "Forbidden")
    {
    }

    /// <summary>Rejects with 4403 and the given reason.</summary>
    public CollabRejectException(string reason) : this(CloseCodes.Forbidden, reason)
    {
    }

    /// <summary>Rejects with a close code and reason.</summary>
    public CollabRejectException(int code, string reason) : base(reason)
    {
        Code = code;
        Reason = reason;
    }

    /// <summary>Wraps an inner error.</summary>
    public CollabRejectException(string reason, Exception innerException) : base(reason, innerException)
    {
        Code = CloseCodes.Forbidden;
        Reason = reason;
    }

    /// <summary>The close code (WebSocket close code or the code of a document connection close).</summary>
    public int Code { get; }

    /// <summary>The reason sent to the client.</summary>
    public string Reason { get; }
}

/// <summary>
/// Thrown by a hook to end its chain without error: later extensions do not run and the server treats the chain as
/// successful (the Redis lock extension uses this in onStoreDocument). In OnRequest it means "answered".
/// </summary>
public sealed class SkipFurtherHooksException : Exception
{
    /// <summary>Creates the signal.</summary>
    public SkipFurtherHooksException() : base("Skip further hooks.")
    {
    }

    /// <summary>Creates the signal with a message for logs.</summary>
    public SkipFurtherHooksException(string message) : base(message)
    {
    }

    /// <summary>Creates the signal with a message and inner error.</summary>
    public SkipFurtherHooksException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
