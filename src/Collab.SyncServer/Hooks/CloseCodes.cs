namespace Collab.SyncServer.Hooks;

/// <summary>Close codes of the Hocuspocus protocol (protocol.md §5.7) and the ones this server adds.</summary>
public static class CloseCodes
{
    /// <summary>Normal close; the event code when a provider sends CLOSE ("provider_initiated").</summary>
    public const int Normal = 1000;

    /// <summary>The server is shutting down.</summary>
    public const int GoingAway = 1001;

    /// <summary>A text frame arrived where only binary frames are allowed.</summary>
    public const int UnsupportedData = 1003;

    /// <summary>A message could not be decoded (malformed sync, awareness or update payload).</summary>
    public const int InvalidPayload = 1007;

    /// <summary>
    /// "Too Many Pending Updates": the client's updates wait for changes that never came, beyond the document's limit
    /// (<see cref="SyncServerOptions.MaxPendingBytes"/>).
    /// </summary>
    public const int PolicyViolation = 1008;

    /// <summary>A message exceeded the configured maximum size ("Message Too Big").</summary>
    public const int MessageTooBig = 1009;

    /// <summary>The client does not read fast enough: its send queue overflowed.</summary>
    public const int TryAgainLater = 1013;

    /// <summary>"Reset Connection": pre-auth limits exceeded, undecodable Auth, failing message handling.</summary>
    public const int ResetConnection = 4205;

    /// <summary>"Unauthorized": undecodable address, failing onTokenSync.</summary>
    public const int Unauthorized = 4401;

    /// <summary>"Forbidden": default for a hook that rejects without a code.</summary>
    public const int Forbidden = 4403;

    /// <summary>"Connection Timeout": pre-auth deadline or inactivity.</summary>
    public const int ConnectionTimeout = 4408;
}
