using Collab.Yjs.Lib0;

namespace Collab.Yjs.Protocols;

/// <summary>
/// One y-protocols sync message, <c>varUint(type) • varUint8Array(payload)</c>. The payload is an encoded
/// state vector for <see cref="SyncMessageType.SyncStep1"/> and a v1 update otherwise. Reading and writing
/// need no document, so a server can inspect and route messages before (or without) applying them.
/// </summary>
/// <param name="Type">The message type.</param>
/// <param name="Payload">The state vector or update bytes, exactly as carried on the wire.</param>
public readonly record struct SyncMessage(SyncMessageType Type, byte[] Payload)
{
    /// <summary>Whether the message modifies a document when applied (<see cref="SyncMessageType.SyncStep2"/> or <see cref="SyncMessageType.Update"/>).</summary>
    public bool IsWrite => Type is SyncMessageType.SyncStep2 or SyncMessageType.Update;

    /// <summary>Creates a <see cref="SyncMessageType.SyncStep1"/> message.</summary>
    /// <param name="stateVector">The sender's encoded state vector.</param>
    /// <returns>The message.</returns>
    public static SyncMessage SyncStep1(byte[] stateVector) => new(SyncMessageType.SyncStep1, Checked(stateVector));

    /// <summary>Creates a <see cref="SyncMessageType.SyncStep2"/> message.</summary>
    /// <param name="update">The update answering a step 1.</param>
    /// <returns>The message.</returns>
    public static SyncMessage SyncStep2(byte[] update) => new(SyncMessageType.SyncStep2, Checked(update));

    /// <summary>Creates an <see cref="SyncMessageType.Update"/> message.</summary>
    /// <param name="update">The incremental update.</param>
    /// <returns>The message.</returns>
    public static SyncMessage Update(byte[] update) => new(SyncMessageType.Update, Checked(update));

    /// <summary>
    /// Reads one sync message from a decoder, leaving anything after it unread (like y-protocols'
    /// <c>readSyncMessage</c>, which reads from a decoder shared with an outer envelope).
    /// </summary>
    /// <param name="decoder">The decoder positioned at the message type.</param>
    /// <returns>The message.</returns>
    /// <exception cref="YjsDecodingException">The input is truncated, or the type is not 0, 1 or 2.</exception>
    public static SyncMessage Read(Lib0Decoder decoder)
    {
        ArgumentNullException.ThrowIfNull(decoder);
        var type = decoder.ReadVarUInt();
        if (type > (ulong)SyncMessageType.Update)
        {
            throw new YjsDecodingException($"Unknown sync message type {type}.");
        }

        return new((SyncMessageType)type, decoder.ReadVarUInt8Array());
    }

    /// <summary>Reads one sync message from the start of <paramref name="bytes"/>; trailing bytes are ignored as y-protocols does.</summary>
    /// <param name="bytes">The encoded message.</param>
    /// <returns>The message.</returns>
    /// <exception cref="YjsDecodingException">The input is truncated, or the type is not 0, 1 or 2.</exception>
    public static SyncMessage Parse(byte[] bytes)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        return Read(new Lib0Decoder(bytes));
    }

    /// <summary>Writes the message to an encoder.</summary>
    /// <param name="encoder">The target encoder.</param>
    public void Write(Lib0Encoder encoder)
    {
        ArgumentNullException.ThrowIfNull(encoder);
        encoder.WriteVarUInt((ulong)Type);
        encoder.WriteVarUInt8Array(Payload ?? []);
    }

    /// <summary>Encodes the message on its own.</summary>
    /// <returns>The bytes of the message.</returns>
    public byte[] Encode()
    {
        var encoder = new Lib0Encoder((Payload?.Length ?? 0) + 6);
        Write(encoder);
        return encoder.ToArray();
    }

    private static byte[] Checked(byte[] payload)
    {
        ArgumentNullException.ThrowIfNull(payload);
        return payload;
    }
}
