using Collab.Yjs.Lib0;

namespace Collab.Yjs.Protocols;

/// <summary>
/// The document side of the y-protocols sync protocol: building step 1 / step 2 messages from a
/// <see cref="Doc"/>, answering a step 1 with a step 2 and applying step 2 / update messages.
/// </summary>
public static class SyncProtocol
{
    /// <summary>A <see cref="SyncMessageType.SyncStep1"/> carrying the document's state vector (y-protocols <c>writeSyncStep1</c>).</summary>
    /// <param name="doc">The document.</param>
    /// <returns>The message.</returns>
    public static SyncMessage CreateSyncStep1(Doc doc)
    {
        ArgumentNullException.ThrowIfNull(doc);
        return SyncMessage.SyncStep1(doc.EncodeStateVector());
    }

    /// <summary>A <see cref="SyncMessageType.SyncStep2"/> with what a peer at <paramref name="stateVector"/> lacks (y-protocols <c>writeSyncStep2</c>).</summary>
    /// <param name="doc">The document.</param>
    /// <param name="stateVector">The peer's encoded state vector; null for the whole document.</param>
    /// <returns>The message.</returns>
    /// <exception cref="YjsDecodingException">The state vector is malformed.</exception>
    public static SyncMessage CreateSyncStep2(Doc doc, byte[]? stateVector = null)
    {
        ArgumentNullException.ThrowIfNull(doc);
        return SyncMessage.SyncStep2(doc.EncodeStateAsUpdate(stateVector));
    }

    /// <summary>
    /// Handles a received message the way y-protocols' <c>readSyncMessage</c> does: a step 1 is answered with the
    /// step 2 that is returned; a step 2 or an update is applied with <paramref name="origin"/> and null is returned.
    /// </summary>
    /// <param name="doc">The document.</param>
    /// <param name="message">The received message.</param>
    /// <param name="origin">The transaction origin for applied updates (for example the connection).</param>
    /// <returns>The reply to send, or null when there is none.</returns>
    /// <exception cref="YjsDecodingException">The state vector or update is malformed; the document is unchanged.</exception>
    public static SyncMessage? Handle(Doc doc, SyncMessage message, object? origin)
    {
        ArgumentNullException.ThrowIfNull(doc);
        ArgumentNullException.ThrowIfNull(message.Payload, nameof(message));
        switch (message.Type)
        {
            case SyncMessageType.SyncStep1:
                return CreateSyncStep2(doc, message.Payload);
            case SyncMessageType.SyncStep2:
            case SyncMessageType.Update:
                doc.ApplyUpdate(message.Payload, origin);
                return null;
            default:
                throw new YjsDecodingException($"Unknown sync message type {(int)message.Type}.");
        }
    }

    /// <summary>
    /// y-protocols' <c>readSyncMessage</c> over a decoder and a reply encoder: reads one message, writes the step 2
    /// answer to a step 1 into <paramref name="reply"/> (which stays empty otherwise) and applies step 2 / update
    /// messages. y-protocols catches and logs errors thrown while applying; here they are passed to
    /// <paramref name="onApplyError"/> and swallowed when it is given, and propagate when it is not.
    /// </summary>
    /// <param name="decoder">The decoder positioned at the sync message type.</param>
    /// <param name="reply">Receives the reply, if any.</param>
    /// <param name="doc">The document.</param>
    /// <param name="origin">The transaction origin for applied updates.</param>
    /// <param name="onApplyError">Receives errors thrown while applying an update; null to let them propagate.</param>
    /// <returns>The type of the message that was read.</returns>
    /// <exception cref="YjsDecodingException">The message itself is malformed (or, without <paramref name="onApplyError"/>, its update).</exception>
    public static SyncMessageType ReadSyncMessage(Lib0Decoder decoder, Lib0Encoder reply, Doc doc, object? origin, Action<Exception>? onApplyError = null)
    {
        ArgumentNullException.ThrowIfNull(reply);
        var message = SyncMessage.Read(decoder);
        if (message.Type == SyncMessageType.SyncStep1)
        {
            Handle(doc, message, origin)!.Value.Write(reply);
            return message.Type;
        }

        try
        {
            Handle(doc, message, origin);
        }
        catch (Exception e) when (onApplyError is not null)
        {
            onApplyError(e);
        }

        return message.Type;
    }
}
