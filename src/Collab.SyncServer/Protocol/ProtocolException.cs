using Collab.SyncServer.Hooks;

namespace Collab.SyncServer.Protocol;

/// <summary>
/// A frame that cannot be accepted, with the WebSocket close code and reason it maps to (protocol.md §5.7).
/// Every parsing failure is turned into one of these; nothing else escapes the frame parsers.
/// </summary>
public sealed class ProtocolException : Exception
{
    /// <summary>Creates the error.</summary>
    public ProtocolException(int code, string reason, Exception? innerException = null) : base(reason, innerException)
    {
        Code = code;
        Reason = reason;
    }

    /// <summary>Creates a generic malformed-message error.</summary>
    public ProtocolException() : this(CloseCodes.InvalidPayload, "Malformed Message")
    {
    }

    /// <summary>Creates a malformed-message error with a reason.</summary>
    public ProtocolException(string reason) : this(CloseCodes.InvalidPayload, reason)
    {
    }

    /// <summary>Creates a malformed-message error with a reason and cause.</summary>
    public ProtocolException(string reason, Exception innerException) : this(CloseCodes.InvalidPayload, reason, innerException)
    {
    }

    /// <summary>The close code.</summary>
    public int Code { get; }

    /// <summary>The close reason (at most 123 UTF-8 bytes, as WebSocket close frames require).</summary>
    public string Reason { get; }

    /// <summary>The address could not be decoded: 4401 "Unauthorized".</summary>
    public static ProtocolException BadAddress(Exception? inner = null) => new(CloseCodes.Unauthorized, "Unauthorized", inner);

    /// <summary>The Auth message could not be decoded: 4205 "Reset Connection".</summary>
    public static ProtocolException BadAuth(Exception? inner = null) => new(CloseCodes.ResetConnection, "Reset Connection", inner);

    /// <summary>A message body could not be decoded: 1007.</summary>
    public static ProtocolException Malformed(string what, Exception? inner = null) => new(CloseCodes.InvalidPayload, what, inner);
}
