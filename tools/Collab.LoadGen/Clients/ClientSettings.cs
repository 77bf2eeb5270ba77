namespace Collab.LoadGen.Clients;

/// <summary>When a client applies the updates it receives to its own document.</summary>
internal enum ApplyMode
{
    /// <summary>
    /// Never after the handshake (default): clients only parse received updates to identify deliveries, and each
    /// inserts into its own text. The server receives the same kind of traffic; the generator stays light.
    /// </summary>
    None,

    /// <summary>In one transaction right before the client's next insert, so inserts see the current text.</summary>
    Batched,

    /// <summary>Each update as it arrives, exactly like a provider (costs the generator the most CPU).</summary>
    Each,
}

/// <summary>How each simulated provider behaves.</summary>
/// <param name="Token">Sent in the Auth message (the reference server accepts any token without hooks).</param>
/// <param name="Apply">When received updates are applied to the client's document (SyncStep2 always at once).</param>
/// <param name="Awareness">Announce an awareness state after SyncStep1 (keep-alives renew it).</param>
/// <param name="HandshakeTimeout">Connect + Auth + SyncStep1 until the server's SyncStep2 arrives.</param>
internal sealed record ClientSettings(string Token, ApplyMode Apply, bool Awareness, TimeSpan HandshakeTimeout);
