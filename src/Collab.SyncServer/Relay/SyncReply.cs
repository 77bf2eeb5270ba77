using Collab.Yjs.Lib0;

namespace Collab.SyncServer.Relay;

/// <summary>
/// The payload of a relayed sync reply: <c>flags (u8) · state vector (varUint8Array) · update (to the end)</c>.
/// Flag 1: the replier holds the document (otherwise the reply only counts as an answer). Flag 2: the replier asks
/// for what it lacks in return (it sent its state vector). The update is what the asker lacked (may be empty).
/// </summary>
internal readonly record struct SyncReply(bool Held, bool WantsReturn, byte[] StateVector, ReadOnlyMemory<byte> Update)
{
    private const byte HeldFlag = 1;
    private const byte ReturnFlag = 2;

    public static readonly SyncReply NotHeld = new(false, false, [], ReadOnlyMemory<byte>.Empty);

    public byte[] Encode()
    {
        var encoder = new Lib0Encoder(8 + StateVector.Length + Update.Length);
        encoder.WriteUInt8((byte)((Held ? HeldFlag : 0) | (WantsReturn ? ReturnFlag : 0)));
        encoder.WriteVarUInt8Array(StateVector);
        encoder.WriteBytes(Update.Span);
        return encoder.ToArray();
    }

    /// <exception cref="YjsDecodingException">The payload is malformed.</exception>
    public static SyncReply Decode(ReadOnlyMemory<byte> payload)
    {
        var bytes = payload.ToArray();
        var decoder = new Lib0Decoder(bytes);
        var flags = decoder.ReadUInt8();
        if ((flags & ~(HeldFlag | ReturnFlag)) != 0)
        {
            throw new YjsDecodingException($"Sync reply flags 0x{flags:x2} are unknown.");
        }

        var vector = decoder.ReadVarUInt8Array();
        return new SyncReply((flags & HeldFlag) != 0, (flags & ReturnFlag) != 0, vector, bytes.AsMemory(decoder.Position));
    }
}
