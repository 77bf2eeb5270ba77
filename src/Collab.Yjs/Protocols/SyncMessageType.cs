namespace Collab.Yjs.Protocols;

/// <summary>The message types of the y-protocols sync protocol (<c>y-protocols/sync</c>).</summary>
public enum SyncMessageType
{
    /// <summary>Carries the sender's encoded state vector: "send me what I am missing".</summary>
    SyncStep1 = 0,

    /// <summary>Carries an update with everything the receiver of a <see cref="SyncStep1"/> was missing.</summary>
    SyncStep2 = 1,

    /// <summary>Carries an incremental update as emitted by a document's update event.</summary>
    Update = 2,
}
