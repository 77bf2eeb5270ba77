namespace Collab.Relay;

/// <summary>What a relay message carries. The numbers are part of the envelope format and never change meaning.</summary>
public enum RelayKind : byte
{
    /// <summary>A Yjs update a replica accepted from its clients (payload: the update, v1). Durable.</summary>
    Update = 1,

    /// <summary>"I hold this document, send me what I lack" (payload: the sender's Yjs state vector). Ephemeral.</summary>
    SyncRequest = 2,

    /// <summary>
    /// The answer to a <see cref="SyncRequest"/>, addressed to the asker only (payload: see <c>SyncReply</c> codecs of the
    /// server; it says whether the replier holds the document, what the asker lacks, and the replier's state vector).
    /// </summary>
    SyncReply = 3,

    /// <summary>A y-protocols awareness update (payload: the encoded update). Ephemeral.</summary>
    Awareness = 4,

    /// <summary>"Send me every awareness state you know for this document" (no payload). Ephemeral.</summary>
    QueryAwareness = 5,

    /// <summary>A stateless broadcast to every connection of a document (payload: the UTF-8 string). Ephemeral.</summary>
    Stateless = 6,

    /// <summary>A server-to-server event of the event bus (document field: the event name; payload: type byte and data). Durable.</summary>
    Event = 7,

    /// <summary>An instance is alive (no payload): sent at an interval, so peers know who is there and notice who died. Ephemeral.</summary>
    Heartbeat = 8,

    /// <summary>An instance stops (no payload): peers drop what they relayed for it (awareness) at once. Ephemeral.</summary>
    Leave = 9,
}

/// <summary>How a kind of message travels.</summary>
public enum RelayChannel
{
    /// <summary>Document updates and events: acknowledged by every in-sync replica, idempotent, retried, kept while the transport is down.</summary>
    Durable,

    /// <summary>Signals: awareness, queries, sync requests and replies, stateless messages, heartbeats. Low latency; dropped when the transport is down.</summary>
    Ephemeral,
}
