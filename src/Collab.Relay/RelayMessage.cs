namespace Collab.Relay;

/// <summary>
/// One message between instances: what it is, the document (or event name) it is about, the instance that sent it,
/// the instance it is meant for (null: every instance), an id that lets receivers drop duplicates, and the payload.
/// </summary>
/// <param name="Kind">What the message carries.</param>
/// <param name="Document">The document name (for <see cref="RelayKind.Event"/>: the event name; for heartbeats: empty).</param>
/// <param name="Origin">The identifier of the sending instance.</param>
/// <param name="Target">The only instance that should act on it, or null for every instance.</param>
/// <param name="Id">A unique id per message (duplicates delivered by an at-least-once transport carry the same id).</param>
/// <param name="Payload">The kind's payload.</param>
public sealed record RelayMessage(RelayKind Kind, string Document, string Origin, string? Target, Guid Id, ReadOnlyMemory<byte> Payload)
{
    /// <summary>How this message travels (<see cref="RelayChannel.Durable"/> for updates and events).</summary>
    public RelayChannel Channel => ChannelOf(Kind);

    /// <summary>How messages of a kind travel.</summary>
    /// <param name="kind">The kind.</param>
    /// <returns>The channel.</returns>
    public static RelayChannel ChannelOf(RelayKind kind) =>
        kind is RelayKind.Update or RelayKind.Event ? RelayChannel.Durable : RelayChannel.Ephemeral;

    /// <summary>Creates a message with a fresh id.</summary>
    /// <param name="kind">What it carries.</param>
    /// <param name="document">The document (or event) name.</param>
    /// <param name="origin">The sending instance.</param>
    /// <param name="payload">The payload.</param>
    /// <param name="target">The instance it is for, or null for all.</param>
    /// <returns>The message.</returns>
    public static RelayMessage Create(RelayKind kind, string document, string origin, ReadOnlyMemory<byte> payload, string? target = null) =>
        new(kind, document, origin, string.IsNullOrEmpty(target) ? null : target, Guid.NewGuid(), payload);

    /// <summary>True when this instance should act on the message: it came from another instance and is for everyone or for this one.</summary>
    /// <param name="instance">This instance's identifier.</param>
    /// <returns>True to handle it.</returns>
    public bool IsFor(string instance) =>
        !string.Equals(Origin, instance, StringComparison.Ordinal) && (Target is null || string.Equals(Target, instance, StringComparison.Ordinal));
}
