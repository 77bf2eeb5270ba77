namespace Collab.LoadGen.Clients;

/// <summary>How each simulated provider behaves.</summary>
/// <param name="Token">Sent in the Auth message (the reference server accepts any token without hooks).</param>
/// <param name="ApplyUpdates">Apply received updates to the client's own document, like a real provider.</param>
/// <param name="Awareness">Announce an awareness state after SyncStep1 (renewed like a provider, every 15 s).</param>
/// <param name="HandshakeTimeout">Connect + Auth + SyncStep1 until the server's SyncStep2 arrives.</param>
internal sealed record ClientSettings(string Token, bool ApplyUpdates, bool Awareness, TimeSpan HandshakeTimeout);
