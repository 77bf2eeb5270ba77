namespace Collab.Yjs.Protocols;

/// <summary>What an <see cref="Awareness"/> remembers about a client, kept even after its state is removed.</summary>
/// <param name="Clock">The client's awareness clock: incremented by the owner on every change of its state.</param>
/// <param name="LastUpdated">When the entry was last applied, in Unix milliseconds of the awareness' <see cref="TimeProvider"/>.</param>
public readonly record struct AwarenessMeta(ulong Clock, long LastUpdated);
