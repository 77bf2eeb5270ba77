namespace Collab.LoadGen.Clients;

/// <summary>When a client applies the updates it receives to its own document.</summary>
internal enum ApplyMode
{
    /// <summary>In one transaction right before the client's next insert, so inserts see the current text (default).</summary>
    Batched,

    /// <summary>Each update as it arrives, exactly like a provider (costs the generator the most CPU).</summary>
    Each,

    /// <summary>Never after the handshake: clients only parse received updates to identify deliveries.</summary>
    None,
}

/// <summary>How each simulated provider behaves.</summary>
/// <param name="Token">Sent in the Auth message (the reference server accepts any token without hooks).</param>
/// <param name="Apply">When received updates are applied to the client's document (SyncStep2 always at once).</param>
/// <param name="Awareness">Announce an awareness state after SyncStep1 (keep-alives renew it).</param>
/// <param name="HandshakeTimeout">Connect + Auth + SyncStep1 until the server's SyncStep2 arrives.</param>
internal sealed record ClientSettings(string Token, ApplyMode Apply, bool Awareness, TimeSpan HandshakeTimeout);
